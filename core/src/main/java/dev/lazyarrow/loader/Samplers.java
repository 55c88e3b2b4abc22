package dev.lazyarrow.loader;

import dev.lazyarrow.internal.read.ShardFile;
import java.util.function.LongUnaryOperator;

/**
 * The epoch orders a loader offers, one pure function each of (rows, seed, epoch).
 *
 * <ul>
 *   <li>{@link #sequential}: rows in split order.
 *   <li>{@link #shuffled}: a uniform-looking permutation of all rows, different every epoch. Each
 *       row lands in a random record batch, so on a dataset far larger than the cache almost every
 *       read misses: best statistics, worst locality.
 *   <li>{@link #blockShuffled}: the record batches are shuffled, then rows are shuffled inside
 *       windows of {@code window} consecutive (shuffled) batches. A window's batches stay hot in
 *       the cache while its rows are read, so the hit rate stays high whatever the dataset's size;
 *       the price is that rows from one window arrive together, so the order is only as random as
 *       the window is large. Use a window of a few batches for training from disk, more if the data
 *       is ordered.
 * </ul>
 */
final class Samplers {
  /** Purpose tags that keep the keys of one epoch's permutations apart. */
  private static final long ROWS = 1;

  private static final long BATCHES = 2;
  private static final long WINDOW = 3;

  private Samplers() {}

  /** Returns the sampler of {@code size} positions whose row at a checked position is given. */
  static Sampler of(long size, LongUnaryOperator rowAt) {
    return new Sampler() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public long row(long position) {
        check(position, size);
        return rowAt.applyAsLong(position);
      }
    };
  }

  static Sampler sequential(long rows) {
    return of(rows, position -> position);
  }

  static Sampler shuffled(long rows, long seed, int epoch) {
    return new Shuffled(new Permutation(rows, Permutation.key(seed, epoch, ROWS)), rows);
  }

  /**
   * Writes the rows at positions {@code [from, from + count)} of {@code order} into {@code out[0,
   * count)}: a shuffle's many at once (see {@link Permutation#apply(long, int, long[])}).
   *
   * @throws IndexOutOfBoundsException if the positions are not inside {@code [0, size())}
   */
  static void rows(Sampler order, long from, int count, long[] out) {
    if (order instanceof Shuffled shuffled) {
      shuffled.permutation.apply(from, count, out);
    } else {
      for (int k = 0; k < count; k++) {
        out[k] = order.row(from + k);
      }
    }
  }

  /** A seeded shuffle of all rows, which {@link #rows} reads many positions of at once. */
  private record Shuffled(Permutation permutation, long size) implements Sampler {
    @Override
    public long row(long position) {
      check(position, size);
      return permutation.apply(position);
    }
  }

  /**
   * Returns the block-shuffled order of a split whose record batch {@code i} starts at row {@code
   * batchStarts[i]} (the last element is the row count).
   */
  static Sampler blockShuffled(long[] batchStarts, int window, long seed, int epoch) {
    int batches = batchStarts.length - 1;
    Permutation batchOrder = new Permutation(batches, Permutation.key(seed, epoch, BATCHES));
    // shuffledStarts[t]: position of the first row of the t-th batch in shuffled order.
    long[] shuffledStarts = new long[batches + 1];
    int[] original = new int[batches];
    for (int t = 0; t < batches; t++) {
      original[t] = (int) batchOrder.apply(t);
      shuffledStarts[t + 1] =
          shuffledStarts[t] + batchStarts[original[t] + 1] - batchStarts[original[t]];
    }
    return of(
        shuffledStarts[batches],
        position -> {
          int firstBatch = ShardFile.locate(shuffledStarts, position) / window * window;
          int endBatch = (int) Math.min((long) firstBatch + window, batches);
          long windowStart = shuffledStarts[firstBatch];
          long windowRows = shuffledStarts[endBatch] - windowStart;
          Permutation inWindow =
              new Permutation(windowRows, Permutation.key(seed, epoch, WINDOW + firstBatch));
          long shuffledPosition = windowStart + inWindow.apply(position - windowStart);
          int t = ShardFile.locate(shuffledStarts, shuffledPosition);
          return batchStarts[original[t]] + shuffledPosition - shuffledStarts[t];
        });
  }

  static void check(long position, long size) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("position " + position + " outside 0.." + (size - 1));
    }
  }
}
