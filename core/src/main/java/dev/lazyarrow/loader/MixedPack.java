package dev.lazyarrow.loader;

/**
 * A mixture's packed samples, as Megatron's {@code BlendedDataset} over {@code GPTDataset}s: each
 * source's documents make a stream of their own, in the source's own order and epochs, cut into
 * samples ({@link ConcatPack}); the mixture's plan says which source each sample position draws its
 * next sample from, so that every sample comes from one source.
 *
 * <p>A source's stream holds the same tokens every epoch, so its samples per epoch are fixed, and
 * draw {@code k} of a source of {@code n} samples is sample {@code k % n} of its epoch {@code k /
 * n}. It keeps one source epoch's packing per source, the one being drawn.
 */
final class MixedPack extends PackPlan {
  private final Sources sources;
  private final MixPlan plan;
  private final LoaderState state;
  private final int epoch;
  private final int[] lengths;
  private final int extra;
  private final String column;
  private final long[] perEpoch;
  private final SourceStream[] streams;

  MixedPack(
      Sources sources, MixPlan plan, LoaderState state, int epoch, int[] lengths, long[] perEpoch) {
    super(state.packing().seqLen());
    this.sources = sources;
    this.plan = plan;
    this.state = state;
    this.epoch = epoch;
    this.lengths = lengths;
    this.extra = state.packing().eod() >= 0 ? 1 : 0;
    this.column = state.packing().tokenColumn();
    this.perEpoch = perEpoch;
    this.streams = new SourceStream[sources.count()];
  }

  /**
   * Returns the samples of one epoch of each source's stream: {@code floor((T - 1) / seqLen)} for
   * its {@code T} tokens.
   */
  static long[] samplesPerSourceEpoch(Sources sources, int[] lengths, int extra, int seqLen) {
    long[] offsets = sources.offsets();
    long[] out = new long[sources.count()];
    for (int d = 0; d < out.length; d++) {
      long tokens = 0;
      for (long row = offsets[d]; row < offsets[d + 1]; row++) {
        tokens += tokens(lengths, row, extra, "");
      }
      out[d] = tokens < 1 ? 0 : (tokens - 1) / seqLen;
    }
    return out;
  }

  @Override
  long samples() {
    return plan.length();
  }

  @Override
  void pieces(long sample, Pieces out) {
    int d = plan.source(sample);
    long draw = Math.addExact(Math.multiplyExact((long) epoch, plan.total(d)), plan.draw(sample));
    int sourceEpoch = Math.toIntExact(draw / perEpoch[d]);
    stream(d, sourceEpoch).pieces(draw % perEpoch[d], out);
  }

  @Override
  double fillRate() {
    return 1;
  }

  private ConcatPack stream(int d, int sourceEpoch) {
    SourceStream last = streams[d];
    if (last == null || last.epoch() != sourceEpoch) {
      last =
          new SourceStream(
              sourceEpoch,
              new ConcatPack(
                  sources.sourceOrder(state, d, sourceEpoch), lengths, extra, width - 1, column));
      streams[d] = last;
    }
    return last.packing();
  }

  /** One source's stream of one of its epochs, kept while the source is drawn in that epoch. */
  private record SourceStream(int epoch, ConcatPack packing) {}
}
