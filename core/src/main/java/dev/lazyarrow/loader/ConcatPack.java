package dev.lazyarrow.loader;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The GPT recipe: an epoch's documents laid end to end in its order, one stream of {@code T} tokens
 * cut into {@code floor((T - 1) / seqLen)} samples, sample {@code g} being stream tokens {@code [g
 * * seqLen, g * seqLen + seqLen + 1)}: consecutive samples share one token, and the tail is
 * dropped.
 *
 * <p>It keeps, for each epoch position, where in the stream its document starts, a sample's first
 * document being found by binary search. A start is kept as its low 32 bits (4 bytes a document;
 * with the lengths, 8, where Megatron's index takes 12), its high bits by the few positions where
 * the stream passes a multiple of 2^32 tokens.
 */
final class ConcatPack extends PackPlan {
  /** Positions whose rows are worked out before their lengths are looked up, at a time. */
  private static final int CHUNK = 4096;

  /** Positions one thread works out the lengths of while the plan is built. */
  private static final int PART = 64 * CHUNK;

  private final Sampler order;

  /** {@code low[p]}: the low 32 bits of the start of the document at epoch position p; then T's. */
  private final int[] low;

  /** {@code wraps[h]}: the first position whose start is at or past {@code (h + 1) * 2^32}. */
  private int[] wraps = new int[0];

  ConcatPack(Sampler order, int[] lengths, int extra, int seqLen, String column) {
    super(seqLen);
    this.order = order;
    int n = Math.toIntExact(order.size());
    low = new int[n + 1];
    // First each position's length, in parallel: the positions' rows are worked out a chunk at a
    // time, so that the length lookups, scattered over an array far larger than the caches, are
    // independent loads the processor keeps many of in flight. Then the starts, in one pass.
    IntStream.range(0, (n + PART - 1) / PART)
        .parallel()
        .forEach(
            part -> lengthsOf(part * PART, (int) Math.min(n, (long) part * PART + PART), lengths));
    long total = 0;
    long high = 0;
    for (int p = 0; p < n; p++) {
      if (total >>> 32 != high) {
        wrap(p);
        high++;
      }
      int length = low[p];
      low[p] = (int) total;
      if (length > Integer.MAX_VALUE - extra) {
        tokens(lengths, order.row(p), extra, column);
      }
      total += length + extra;
    }
    if (total >>> 32 != high) {
      wrap(n);
    }
    low[n] = (int) total;
  }

  /**
   * Writes into {@code low[p]} the length of the document at each position of {@code [from, to)}.
   */
  private void lengthsOf(int from, int to, int[] lengths) {
    long[] rows = new long[Math.min(CHUNK, to - from)];
    for (int at = from; at < to; at += CHUNK) {
      int m = Math.min(CHUNK, to - at);
      Samplers.rows(order, at, m, rows);
      for (int k = 0; k < m; k++) {
        low[at + k] = lengths[(int) rows[k]];
      }
    }
  }

  /** Records that the stream passes another multiple of 2^32 at position {@code p}'s start. */
  private void wrap(int p) {
    wraps = Arrays.copyOf(wraps, wraps.length + 1);
    wraps[wraps.length - 1] = p;
  }

  /** Returns the stream position where the document at epoch position {@code p} starts. */
  private long start(int p) {
    int i = Arrays.binarySearch(wraps, p);
    long high = i >= 0 ? i + 1 : -i - 1;
    return high << 32 | Integer.toUnsignedLong(low[p]);
  }

  @Override
  long samples() {
    long total = start(low.length - 1);
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
    int hi = low.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (start(mid) <= first) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    long start = start(lo);
    for (int p = lo; p < low.length - 1 && start < end; p++) {
      long next = start(p + 1);
      int from = (int) (Math.max(first, start) - start);
      int to = (int) (Math.min(end, next) - start);
      if (to > from) {
        out.add(order.row(p), from, to);
      }
      start = next;
    }
  }

  @Override
  double fillRate() {
    return 1;
  }
}
