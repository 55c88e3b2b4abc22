package dev.lazyarrow.loader;

import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * The global batches of one epoch: which positions of the epoch's order each batch holds.
 *
 * <p>Global batches do not depend on the number of ranks; ranks take them round-robin (see {@link
 * Partition}). That is what lets a run resume on a different number of ranks without repeating or
 * skipping a row.
 */
abstract class BatchPlan {
  /** Returns the number of global batches. */
  abstract long count();

  /** Returns the positions (in the epoch's order) that global batch {@code batch} holds. */
  abstract long[] positions(long batch);

  /**
   * Returns batches of {@code size} consecutive positions out of {@code positions}. The last batch
   * is dropped if partial and {@code dropLast}, else filled up by wrapping to the epoch's first
   * positions when {@code fill} (so that every rank gets as many rows), else left short. A filled
   * batch larger than the epoch holds each position once: what a batch allocates is bounded by the
   * epoch, never by a size alone (a state may claim any).
   */
  static BatchPlan fixed(long positions, int size, boolean dropLast, boolean fill) {
    long count = dropLast ? positions / size : (positions + size - 1) / size;
    return of(
        count,
        batch -> {
          long first = batch * size;
          int n = (int) Math.min(size, fill ? positions : positions - first);
          long[] out = new long[n];
          for (int i = 0; i < n; i++) {
            out[i] = (first + i) % positions;
          }
          return out;
        });
  }

  /**
   * Returns batches under a token budget: consecutive positions are added to a batch while its cost
   * stays within {@code budget}, where the cost is the sum of the rows' lengths or, if {@code
   * padded}, the longest length times the row count. A row that alone exceeds the budget makes a
   * batch of its own.
   *
   * <p>With a {@code bucketWindow} above zero, each window of that many consecutive positions is
   * sorted by length before packing, and its batches are then shuffled: rows of like length share
   * batches (less padding) while the batch order stays random.
   */
  static BatchPlan byTokens(
      Sampler order,
      int[] lengths,
      long budget,
      boolean padded,
      int bucketWindow,
      long seed,
      int epoch) {
    long size = order.size();
    long[] sequence = new long[Math.toIntExact(size)];
    for (int p = 0; p < sequence.length; p++) {
      sequence[p] = p;
    }
    long[] starts = new long[sequence.length + 1];
    int batches = 0;
    int window = bucketWindow > 0 ? bucketWindow : Math.max(1, sequence.length);
    for (int from = 0, to; from < sequence.length; from = to) {
      // In long: a window read from a state may be near Integer.MAX_VALUE.
      to = (int) Math.min(sequence.length, (long) from + window);
      if (bucketWindow > 0) {
        sortByLength(sequence, from, to, order, lengths);
      }
      int first = batches;
      long cost = 0;
      int longest = 0;
      int count = 0;
      for (int p = from; p < to; p++) {
        int length = lengths[(int) order.row(sequence[p])];
        int widest = Math.max(longest, length);
        long next = padded ? (long) widest * (count + 1) : cost + length;
        if (count > 0 && next > budget) {
          starts[++batches] = p;
          cost = 0;
          longest = 0;
          count = 0;
          widest = length;
          next = length;
        }
        cost = next;
        longest = widest;
        count++;
      }
      starts[++batches] = to;
      if (bucketWindow > 0) {
        shuffleBatches(sequence, starts, first, batches, Permutation.key(seed, epoch, 5 + from));
      }
    }
    long[] bounds = Arrays.copyOf(starts, batches + 1);
    return of(
        batches,
        batch ->
            Arrays.copyOfRange(sequence, (int) bounds[(int) batch], (int) bounds[(int) batch + 1]));
  }

  /** Returns the plan of {@code count} batches whose positions at a checked index are given. */
  private static BatchPlan of(long count, LongFunction<long[]> positionsOf) {
    return new BatchPlan() {
      @Override
      long count() {
        return count;
      }

      @Override
      long[] positions(long batch) {
        Samplers.check(batch, count);
        return positionsOf.apply(batch);
      }
    };
  }

  private static void sortByLength(
      long[] sequence, int from, int to, Sampler order, int[] lengths) {
    // Stable: length in the high bits, the position's rank in the window in the low bits.
    long[] keyed = new long[to - from];
    for (int i = 0; i < keyed.length; i++) {
      keyed[i] = ((long) lengths[(int) order.row(sequence[from + i])] << 32) | i;
    }
    Arrays.sort(keyed);
    long[] window = Arrays.copyOfRange(sequence, from, to);
    for (int i = 0; i < keyed.length; i++) {
      sequence[from + i] = window[(int) (keyed[i] & 0xffffffffL)];
    }
  }

  /** Reorders the batches {@code [first, last)} of a window, rewriting their positions in place. */
  private static void shuffleBatches(
      long[] sequence, long[] starts, int first, int last, long key) {
    int n = last - first;
    Permutation permutation = new Permutation(n, key);
    int from = (int) starts[first];
    long[] window = Arrays.copyOfRange(sequence, from, (int) starts[last]);
    long[] bounds = Arrays.copyOfRange(starts, first, last + 1);
    int at = from;
    for (int i = 0; i < n; i++) {
      int b = (int) permutation.apply(i);
      int length = (int) (bounds[b + 1] - bounds[b]);
      System.arraycopy(window, (int) (bounds[b] - from), sequence, at, length);
      starts[first + i] = at;
      at += length;
    }
  }
}
