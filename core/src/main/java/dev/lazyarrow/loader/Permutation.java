package dev.lazyarrow.loader;

/**
 * A keyed pseudo-random permutation of {@code [0, n)} that computes any element in O(1) time and
 * memory: a balanced Feistel network over the smallest even power of two that holds {@code n},
 * cycle-walking past values outside the range.
 *
 * <p>No index array is built, so a shuffle of a billion rows costs nothing to create and the order
 * of any position is known at once: exactly what resumption and sharding need. The domain is at
 * most four times {@code n}, so cycle-walking takes fewer than four rounds of the network on
 * average.
 */
final class Permutation {
  private static final int ROUNDS = 6;

  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long key;

  /** Creates the permutation of {@code [0, n)} for {@code key}. */
  Permutation(long n, long key) {
    if (n < 0) {
      throw new IllegalArgumentException("permutation size must not be negative: " + n);
    }
    this.n = n;
    int bits = n <= 1 ? 2 : 64 - Long.numberOfLeadingZeros(n - 1);
    this.halfBits = (bits + 1) / 2;
    this.halfMask = (1L << halfBits) - 1;
    this.key = mix(key);
  }

  /** Returns the element at {@code position}, a value in {@code [0, n)}. */
  long apply(long position) {
    if (position < 0 || position >= n) {
      throw new IndexOutOfBoundsException("position " + position + " outside 0.." + (n - 1));
    }
    long x = position;
    do {
      x = encrypt(x);
    } while (x >= n);
    return x;
  }

  /**
   * Writes the elements at positions {@code [from, from + count)} into {@code out[0, count)}, each
   * what {@link #apply} returns for it. The positions walk together, one round of the network over
   * all of them, then over those still outside the range: independent work that the processor
   * overlaps, where one walk after another waits on each multiply and mispredicts each exit.
   *
   * @throws IndexOutOfBoundsException if the positions are not inside {@code [0, size)}
   */
  void apply(long from, int count, long[] out) {
    if (from < 0 || count < 0 || count > out.length || from > n - count) {
      throw new IndexOutOfBoundsException(
          "positions " + from + ".." + (from + count - 1) + " outside 0.." + (n - 1));
    }
    int[] walking = new int[count];
    int left = 0;
    for (int k = 0; k < count; k++) {
      long x = encrypt(from + k);
      out[k] = x;
      walking[left] = k;
      left += x >= n ? 1 : 0;
    }
    while (left > 0) {
      int still = 0;
      for (int i = 0; i < left; i++) {
        int k = walking[i];
        long x = encrypt(out[k]);
        out[k] = x;
        walking[still] = k;
        still += x >= n ? 1 : 0;
      }
      left = still;
    }
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (int round = 0; round < ROUNDS; round++) {
      long next = left ^ (mix(right ^ key ^ ((long) round << 58)) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }

  /** SplitMix64's finalizer: a fast bijective mixer with full avalanche. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Returns the key of a permutation for {@code seed}, {@code epoch} and a {@code purpose} tag. */
  static long key(long seed, long epoch, long purpose) {
    return mix(mix(seed) ^ mix(epoch * 0x9e3779b97f4a7c15L + purpose));
  }
}
