package dev.lazyarrow.loader;

import java.util.Arrays;

/**
 * Easy-first orders for the first epochs of training, from a per-row difficulty score.
 *
 * <p>Rows are sorted by score, ascending, with ties broken by a seeded shuffle so that equal scores
 * do not keep their split order; a {@link Pacing} lets the model see only the easiest part of the
 * data at first.
 */
final class Curriculum {
  private static final long TIES = 4;

  private Curriculum() {}

  /**
   * Returns the order of curriculum epoch {@code epoch}: rows by ascending {@code scores}, keeping
   * the easiest {@code fraction}.
   *
   * @throws IllegalArgumentException if the split has 2^31 rows or more
   */
  static Sampler sampler(double[] scores, double fraction, long seed, int epoch) {
    int n = scores.length;
    Permutation ties = new Permutation(n, Permutation.key(seed, epoch, TIES));
    // High half: the score as order-preserving float bits; low half: a shuffled tie-breaker.
    long[] packed = new long[n];
    for (int p = 0; p < n; p++) {
      int row = (int) ties.apply(p);
      packed[p] = ((long) sortable((float) scores[row]) << 32) | p;
    }
    Arrays.sort(packed);
    int size = (int) Math.min(n, Math.ceil(fraction * n));
    int[] rows = new int[size];
    for (int i = 0; i < size; i++) {
      rows[i] = (int) ties.apply(packed[i] & 0xffffffffL);
    }
    return Samplers.of(size, position -> rows[(int) position]);
  }

  /** Maps a float to an unsigned-comparable int (as a signed value shifted by 2^31). */
  private static int sortable(float value) {
    int bits = Float.floatToIntBits(value);
    int unsigned = bits < 0 ? ~bits : bits | 0x80000000;
    return unsigned ^ 0x80000000;
  }
}
