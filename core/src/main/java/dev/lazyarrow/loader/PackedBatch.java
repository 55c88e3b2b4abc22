package dev.lazyarrow.loader;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * One batch of a {@link PackedLoader}: {@link #size} samples of {@code seqLen + 1} tokens each,
 * with everything a pretraining step takes besides the tokens.
 *
 * <p>Sample {@code i} is tokens {@code [i * (seqLen + 1), (i + 1) * (seqLen + 1))} of {@link
 * #tokens}; its inputs are the first {@code seqLen} of them and its labels the last {@code seqLen}
 * ({@link #inputs}, {@link #labels}). {@link #positionIds}, {@link #segmentIds} and {@link
 * #lossMask} hold {@code seqLen} values a sample, one per input. A sample is made of pieces of
 * documents ({@link #spans}); a document's position ids start at 0 in each piece, its segment id is
 * its piece's number in the sample from 1, and padding, which only bins have, is token 0 with
 * segment id 0, position id 0 and loss mask 0.
 *
 * <p>The buffers are the loader's, reused from batch to batch: a batch's values stay valid until
 * the iterator that handed it out is asked for the next batch (with prefetch, later batches are
 * being written meanwhile into other buffers). Copy what must live longer. The tokens and
 * boundaries are written with the batch; the position ids, segment ids and loss mask when first
 * asked for (see {@link #positionIds}). Heap buffers give their arrays ({@code tokens().array()},
 * the whole buffer, of which the first {@code size() * (seqLen + 1)} values are this batch's);
 * direct ones, in native order, can go to a native engine as they are.
 */
public final class PackedBatch {
  final int seqLen;
  final IntBuffer tokens;
  final IntBuffer positionIds;
  final IntBuffer segmentIds;
  final IntBuffer lossMask;
  final IntBuffer cuSeqlens;
  final PackPlan.Pieces pieces = new PackPlan.Pieces();
  final long[] samples;

  /** Sample i's pieces: {@code [samplePieces[i], samplePieces[i + 1])} of {@link #pieces}. */
  final int[] samplePieces;

  /**
   * Sample i's boundaries: entries {@code [sampleCu[i], sampleCu[i + 1]]} of {@link #cuSeqlens}.
   */
  final int[] sampleCu;

  /** The tokens of each sample that its pieces fill; the rest is padding. */
  final int[] sampleUsed;

  /** Where each piece starts among its sample's tokens. */
  int[] pieceAt = new int[64];

  /** The pieces whose record batch {@link #held} does not hold: read through a walk. */
  int[] missing = new int[64];

  /** The record batches this batch's tokens are copied from, held from batch to batch. */
  final HeldBatches held;

  private final Sources sources;

  /** What writes the ids and mask of this batch when first asked for; see {@link #written}. */
  private SampleWriter writer;

  private boolean idsWritten;
  int size;
  int epoch;
  long step;
  boolean hasTokens;

  PackedBatch(int capacity, int seqLen, Sources sources, IntFunction<IntBuffer> allocate) {
    this.seqLen = seqLen;
    this.sources = sources;
    this.held = new HeldBatches(sources);
    int width = seqLen + 1;
    this.tokens = allocate(allocate, Math.multiplyExact(capacity, width));
    this.positionIds = allocate(allocate, Math.multiplyExact(capacity, seqLen));
    this.segmentIds = allocate(allocate, capacity * seqLen);
    this.lossMask = allocate(allocate, capacity * seqLen);
    this.cuSeqlens = allocate(allocate, Math.addExact(capacity * width, 1));
    this.samples = new long[capacity];
    this.samplePieces = new int[capacity + 1];
    this.sampleCu = new int[capacity + 1];
    this.sampleUsed = new int[capacity];
  }

  private static IntBuffer allocate(IntFunction<IntBuffer> allocate, int values) {
    IntBuffer buffer = allocate.apply(values);
    if (buffer == null || buffer.capacity() < values || buffer.isReadOnly()) {
      throw new IllegalArgumentException(
          "the buffer allocator must return a writable IntBuffer of at least "
              + values
              + " values, returned "
              + buffer);
    }
    return buffer;
  }

  /** Returns the epoch this batch belongs to. */
  public int epoch() {
    return epoch;
  }

  /** Returns the global batch this is, within the epoch (all ranks together). */
  public long step() {
    return step;
  }

  /** Returns the samples in this batch: the batch size, or fewer in an epoch's last batch. */
  public int size() {
    return size;
  }

  /** Returns the inputs a sample has: one fewer than its tokens. */
  public int seqLen() {
    return seqLen;
  }

  /** Returns the epoch's index of sample {@code i} of this batch. */
  public long sample(int i) {
    return samples[Objects.checkIndex(i, size)];
  }

  /**
   * Returns the tokens, sample after sample, {@code seqLen + 1} a sample: a view of the loader's
   * buffer from its start to this batch's last token.
   *
   * @throws IllegalStateException if the batch came from {@link PackedLoader#plan}, which reads no
   *     token
   */
  public IntBuffer tokens() {
    if (!hasTokens) {
      throw new IllegalStateException(
          "a planned batch holds no tokens: iterate the loader for them");
    }
    return view(tokens, 0, size * (seqLen + 1));
  }

  /** Returns the inputs of sample {@code i}: its first {@code seqLen} tokens. */
  public IntBuffer inputs(int i) {
    return view(tokens(), Objects.checkIndex(i, size) * (seqLen + 1), seqLen);
  }

  /**
   * Returns the labels of sample {@code i}: its last {@code seqLen} tokens, the inputs shifted by
   * one.
   */
  public IntBuffer labels(int i) {
    return view(tokens(), Objects.checkIndex(i, size) * (seqLen + 1) + 1, seqLen);
  }

  /**
   * Returns each input's position in its piece of a document, {@code seqLen} a sample. This, the
   * segment ids and the loss mask are written when the batch is first asked for one of them, on the
   * asking thread: a trainer that takes only the boundaries never pays for them.
   */
  public IntBuffer positionIds() {
    writeIds();
    return view(positionIds, 0, size * seqLen);
  }

  /**
   * Returns each input's piece in its sample, from 1, or 0 for padding; {@code seqLen} a sample.
   */
  public IntBuffer segmentIds() {
    writeIds();
    return view(segmentIds, 0, size * seqLen);
  }

  /**
   * Returns 1 where an input's label counts in the loss, else 0: on padding, where the label is
   * another document's (in bins), and with {@code eodMaskLoss} where the input is an appended
   * end-of-document token, as Megatron's {@code eod_mask_loss}; {@code seqLen} a sample.
   */
  public IntBuffer lossMask() {
    writeIds();
    return view(lossMask, 0, size * seqLen);
  }

  /**
   * Returns the boundaries of the pieces of all samples' inputs laid end to end, from 0 to {@code
   * size() * seqLen}, padding being a piece of its own: the {@code cu_seqlens} of variable-length
   * attention over the flattened batch.
   */
  public IntBuffer cuSeqlens() {
    return view(cuSeqlens, 0, sampleCu[size] + 1);
  }

  /**
   * Returns the boundaries of sample {@code i}'s pieces among its inputs, from 0 to {@code seqLen}.
   */
  public int[] cuSeqlens(int i) {
    Objects.checkIndex(i, size);
    int[] out = new int[sampleCu[i + 1] - sampleCu[i] + 1];
    for (int j = 0; j < out.length; j++) {
      out[j] = cuSeqlens.get(sampleCu[i] + j) - i * seqLen;
    }
    return out;
  }

  /** Returns the pieces of documents that sample {@code i} holds, in the order of its tokens. */
  public List<Span> spans(int i) {
    Objects.checkIndex(i, size);
    List<Span> out = new ArrayList<>();
    for (int k = samplePieces[i]; k < samplePieces[i + 1]; k++) {
      int source = sources.locate(pieces.rows[k]);
      out.add(
          new Span(source, pieces.rows[k] - sources.offset(source), pieces.from[k], pieces.to[k]));
    }
    return out;
  }

  /**
   * A piece of a document: tokens {@code [from, to)} of row {@code row} of source {@code source} (0
   * for a loader over one split); an end-of-document token is the row's token {@code len(row)}.
   *
   * @param source the source's position in the mixture, 0 for one split
   * @param row the row in its source
   * @param from the first token
   * @param to the token after the last
   */
  public record Span(int source, long row, int from, int to) {}

  /** Marks the batch newly written by {@code writer}: its ids and mask are not, yet. */
  synchronized void written(SampleWriter writer) {
    this.writer = writer;
    this.idsWritten = false;
  }

  private synchronized void writeIds() {
    if (!idsWritten) {
      writer.ids(this);
      idsWritten = true;
    }
  }

  /** Makes room for the offsets of {@code pieces} pieces. */
  void ensurePieces(int count) {
    pieceAt = ensure(pieceAt, count);
  }

  /** Returns {@code values}, or a longer copy if it holds fewer than {@code count}. */
  static int[] ensure(int[] values, int count) {
    return values.length < count
        ? Arrays.copyOf(values, Math.max(count, 2 * values.length))
        : values;
  }

  private static IntBuffer view(IntBuffer buffer, int from, int length) {
    return buffer.duplicate().position(from).limit(from + length).slice();
  }
}
