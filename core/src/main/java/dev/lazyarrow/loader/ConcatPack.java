package dev.lazyarrow.loader;

/**
 * The GPT recipe: an epoch's documents laid end to end in its order, one stream of {@code T} tokens
 * cut into {@code floor((T - 1) / seqLen)} samples, sample {@code g} being stream tokens {@code [g
 * * seqLen, g * seqLen + seqLen + 1)}: consecutive samples share one token, and the tail is
 * dropped.
 *
 * <p>It keeps one long per document, the stream position where the document at each epoch position
 * starts (8 bytes a document; with the lengths, 12, as Megatron's index); a sample's first document
 * is found by binary search.
 */
final class ConcatPack extends PackPlan {
  private final Sampler order;

  /** {@code starts[p]}: the stream position of the document at epoch position p; then T. */
  private final long[] starts;

  ConcatPack(Sampler order, int[] lengths, int extra, int seqLen, String column) {
    super(seqLen);
    this.order = order;
    int n = Math.toIntExact(order.size());
    starts = new long[n + 1];
    long total = 0;
    for (int p = 0; p < n; p++) {
      starts[p] = total;
      total += tokens(lengths, order.row(p), extra, column);
    }
    starts[n] = total;
  }

  @Override
  long samples() {
    long total = starts[starts.length - 1];
    return total < 1 ? 0 : (total - 1) / (width - 1);
  }

  @Override
  void pieces(long sample, Pieces out) {
    Samplers.check(sample, samples());
    long first = sample * (width - 1);
    long end = first + width;
    // The last position whose document starts at or before the sample's first token holds it: the
    // empty documents before it start at the same place.
    int lo = 0;
    int hi = starts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= first) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    for (int p = lo; p < starts.length - 1 && starts[p] < end; p++) {
      long start = starts[p];
      int from = (int) (Math.max(first, start) - start);
      int to = (int) (Math.min(end, starts[p + 1]) - start);
      if (to > from) {
        out.add(order.row(p), from, to);
      }
    }
  }

  @Override
  double fillRate() {
    return 1;
  }
}
