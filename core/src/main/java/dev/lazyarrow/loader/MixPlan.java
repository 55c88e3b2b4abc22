package dev.lazyarrow.loader;

import java.util.Arrays;

/**
 * Which source each position of a mixture's epoch draws from, and how many draws of that source
 * came before it in the epoch.
 *
 * <p>Two rules decide the source of a position:
 *
 * <ul>
 *   <li>blend, deterministic as Megatron's {@code BlendedDataset}: position {@code i} goes to a
 *       source below its target share, the one whose next draw is due soonest (Tijdeman's rule for
 *       the chairman assignment problem), the lowest source on a tie. After any {@code n}
 *       positions every source holds {@code weight * n} of them, within one.
 *   <li>sample, as {@code interleave_datasets(probabilities=...)}: position {@code i} draws a source
 *       at random with the weights as probabilities, from a hash of the seed and {@code i}.
 * </ul>
 *
 * <p>The epoch's length is given, or is where the first source has been drawn as many times as it
 * has rows ({@code first_exhausted}), or where every source of a positive weight has ({@code
 * all_exhausted}). The
 * pattern is the same in every epoch; each source continues its own epochs across the mixture's.
 *
 * <p>The plan holds one byte a position (two above 256 sources) and the draw counts of every
 * source at regular checkpoints, about {@code 1/64} byte a position: a position's source and draw
 * are found by counting from the checkpoint before it.
 */
final class MixPlan {
  /** The most positions an epoch of a mixture may have: the plan is one array of them. */
  static final long MAX_LENGTH = Integer.MAX_VALUE - 8;

  /** How a mixture's epoch ends. */
  enum Length {
    /** A number of positions given by the caller. */
    FIXED,
    /** When one source has been drawn as many times as it has rows. */
    FIRST_EXHAUSTED,
    /** When every source has been drawn at least as many times as it has rows. */
    ALL_EXHAUSTED
  }

  private final int sources;
  private final int length;
  private final byte[] narrow;
  private final short[] wide;
  private final int stride;
  private final int[] checkpoints;
  private final long[] totals;

  private MixPlan(int sources, int length, byte[] narrow, short[] wide, int stride) {
    this.sources = sources;
    this.length = length;
    this.narrow = narrow;
    this.wide = wide;
    this.stride = stride;
    this.checkpoints = new int[(length / stride + 1) * sources];
    this.totals = new long[sources];
    int[] counts = new int[sources];
    for (int p = 0; p < length; p++) {
      if (p % stride == 0) {
        System.arraycopy(counts, 0, checkpoints, p / stride * sources, sources);
      }
      counts[source(p)]++;
    }
    if (length % stride == 0) {
      System.arraycopy(counts, 0, checkpoints, length / stride * sources, sources);
    }
    for (int d = 0; d < sources; d++) {
      totals[d] = counts[d];
    }
  }

  /**
   * Plans an epoch over sources of {@code rows} rows with the (normalized) {@code weights}: blended,
   * or sampled from {@code seed} if {@code sampled}, of {@code fixedLength} positions or as long as
   * {@code rule} says.
   *
   * @throws IllegalArgumentException if the epoch would exceed {@link #MAX_LENGTH} positions
   */
  static MixPlan of(
      long[] rows, double[] weights, boolean sampled, long seed, Length rule, long fixedLength) {
    int sources = weights.length;
    long cap = rule == Length.FIXED ? fixedLength : estimate(rows, weights, rule);
    if (cap > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "the mixture's epoch would have "
              + cap
              + " positions, more than the "
              + MAX_LENGTH
              + " one plan holds; give the mixture a length");
    }
    Chooser chooser = sampled ? new Sampled(weights, seed) : new Blended(weights);
    long[] drawn = new long[sources];
    int exhausted = 0;
    int weighted = 0;
    for (double w : weights) {
      weighted += w > 0 ? 1 : 0;
    }
    Positions out = new Positions(sources, (int) Math.min(cap, 1 << 20));
    for (long p = 0; rule == Length.FIXED ? p < fixedLength : !done(rule, exhausted, weighted); p++) {
      if (p >= MAX_LENGTH) {
        throw new IllegalArgumentException(
            "the mixture's epoch reached "
                + MAX_LENGTH
                + " positions before it was "
                + rule.name().toLowerCase(java.util.Locale.ROOT)
                + "; give the mixture a length");
      }
      int d = chooser.next(p, drawn);
      out.add(d);
      if (++drawn[d] == rows[d]) {
        exhausted++;
      }
    }
    int stride = Math.max(256, Integer.highestOneBit(Math.max(1, sources)) * 256);
    return new MixPlan(sources, out.size, out.narrow(), out.wide(), stride);
  }

  private static boolean done(Length rule, int exhausted, int weighted) {
    return rule == Length.FIRST_EXHAUSTED ? exhausted > 0 : exhausted == weighted;
  }

  /** Returns about how many positions {@code rule} takes, above the true figure, to refuse early. */
  private static long estimate(long[] rows, double[] weights, Length rule) {
    double bound = rule == Length.FIRST_EXHAUSTED ? Double.MAX_VALUE : 0;
    for (int d = 0; d < rows.length; d++) {
      if (weights[d] == 0) {
        continue; // never drawn, so never exhausted: the rules count the weighted sources
      }
      double need = rows[d] / weights[d];
      bound = rule == Length.FIRST_EXHAUSTED ? Math.min(bound, need) : Math.max(bound, need);
    }
    // Sampling strays from the weights: leave room for a few standard deviations.
    return (long) Math.min(Long.MAX_VALUE / 2.0, bound * 1.05 + 6 * Math.sqrt(bound) + rows.length);
  }

  /** Returns the number of sources. */
  int sources() {
    return sources;
  }

  /** Returns the number of positions in an epoch. */
  long length() {
    return length;
  }

  /** Returns how many positions of an epoch draw from {@code source}. */
  long total(int source) {
    return totals[source];
  }

  /** Returns the source of {@code position}. */
  int source(long position) {
    Samplers.check(position, length);
    return narrow != null ? narrow[(int) position] & 0xff : wide[(int) position] & 0xffff;
  }

  /** Returns how many positions before {@code position} in the epoch drew from its source. */
  long draw(long position) {
    int d = source(position);
    int p = (int) position;
    int from = p / stride * stride;
    long count = checkpoints[from / stride * sources + d];
    for (int q = from; q < p; q++) {
      if (source(q) == d) {
        count++;
      }
    }
    return count;
  }

  /** Returns every source's draws before {@code position} ({@code length()} for the whole epoch). */
  long[] drawsBefore(long position) {
    if (position < 0 || position > length) {
      throw new IndexOutOfBoundsException("position " + position + " outside 0.." + length);
    }
    int p = (int) position;
    int from = p / stride * stride;
    long[] counts = new long[sources];
    for (int d = 0; d < sources; d++) {
      counts[d] = checkpoints[from / stride * sources + d];
    }
    for (int q = from; q < p; q++) {
      counts[source(q)]++;
    }
    return counts;
  }

  /** Picks the source of each position in turn. */
  private interface Chooser {
    int next(long position, long[] drawn);
  }

  /**
   * Tijdeman's earliest deadline first: among the sources whose deficit {@code weight * (i + 1) -
   * drawn} is above {@code 1 - k}, the one whose next draw is due soonest, {@code (drawn + k) /
   * weight}, with {@code k = 1 - 1 / (2 * (sources - 1))}. It keeps every source within {@code k}
   * (below one) of its share at every prefix, where the largest-deficit rule of Megatron's {@code
   * build_blending_indices} drifts past one with small weights.
   */
  private static final class Blended implements Chooser {
    private final double[] weights;
    private final double k;

    Blended(double[] weights) {
      this.weights = weights;
      this.k = weights.length > 1 ? 1 - 1.0 / (2 * (weights.length - 1)) : 1;
    }

    @Override
    public int next(long position, long[] drawn) {
      double target = position + 1.0;
      int best = -1;
      double soonest = Double.MAX_VALUE;
      for (int d = 0; d < weights.length; d++) {
        if (weights[d] > 0 && weights[d] * target - drawn[d] > 1 - k - 1e-12) {
          double due = (drawn[d] + k) / weights[d];
          if (due < soonest) {
            soonest = due;
            best = d;
          }
        }
      }
      return best >= 0 ? best : largestDeficit(target, drawn);
    }

    /** The fallback that rounding alone could call for: the source furthest below its share. */
    private int largestDeficit(double target, long[] drawn) {
      int best = 0;
      for (int d = 1; d < weights.length; d++) {
        if (weights[d] * target - drawn[d] > weights[best] * target - drawn[best]) {
          best = d;
        }
      }
      return best;
    }
  }

  /** A seeded draw with the weights as probabilities, by binary search of their running sums. */
  private static final class Sampled implements Chooser {
    private final double[] cumulative;
    private final long key;

    Sampled(double[] weights, long seed) {
      cumulative = new double[weights.length];
      double sum = 0;
      for (int d = 0; d < weights.length; d++) {
        sum += weights[d];
        cumulative[d] = sum;
      }
      key = Permutation.key(seed, 0, 11);
    }

    @Override
    public int next(long position, long[] drawn) {
      double u = (Permutation.mix(key ^ Permutation.mix(position)) >>> 11) * 0x1.0p-53;
      double x = u * cumulative[cumulative.length - 1];
      // The first running sum above x: a source of weight zero adds nothing, so is never it.
      int low = 0;
      int high = cumulative.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] > x) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      return low;
    }
  }

  /** A growing array of sources, one byte each up to 256 sources, else two. */
  private static final class Positions {
    private final boolean wide;
    private byte[] bytes;
    private short[] shorts;
    private int size;

    Positions(int sources, int initial) {
      this.wide = sources > 256;
      int capacity = Math.max(16, initial);
      if (wide) {
        shorts = new short[capacity];
      } else {
        bytes = new byte[capacity];
      }
    }

    void add(int source) {
      int capacity = wide ? shorts.length : bytes.length;
      if (size == capacity) {
        int grown = (int) Math.min(MAX_LENGTH, capacity * 2L);
        if (wide) {
          shorts = Arrays.copyOf(shorts, grown);
        } else {
          bytes = Arrays.copyOf(bytes, grown);
        }
      }
      if (wide) {
        shorts[size++] = (short) source;
      } else {
        bytes[size++] = (byte) source;
      }
    }

    byte[] narrow() {
      return wide ? null : Arrays.copyOf(bytes, size);
    }

    short[] wide() {
      return wide ? Arrays.copyOf(shorts, size) : null;
    }
  }
}
