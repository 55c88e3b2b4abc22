package dev.lazyarrow.loader;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which source each position of a mixture's epoch draws from, and how many draws of that source
 * came before it in the epoch.
 *
 * <p>Two rules decide the source of a position ({@link MixWalk}):
 *
 * <ul>
 *   <li>blend, deterministic as Megatron's {@code BlendedDataset}: position {@code i} goes to a
 *       source below its target share, the one whose next draw is due soonest (Tijdeman's rule for
 *       the chairman assignment problem), the lowest source on a tie. After any {@code n} positions
 *       every source holds {@code weight * n} of them, within one.
 *   <li>sample, as {@code interleave_datasets(probabilities=...)}: position {@code i} draws a
 *       source at random with the weights as probabilities, from a hash of the seed and {@code i}.
 * </ul>
 *
 * <p>The epoch's length is given, or is where the first source has been drawn as many times as it
 * has rows ({@code first_exhausted}), or where every source of a positive weight has ({@code
 * all_exhausted}). The pattern is the same in every epoch; each source continues its own epochs
 * across the mixture's.
 *
 * <p>The plan is made by chunks of positions. Making it walks the epoch once and keeps only every
 * source's draws at the start of each chunk (at most {@link #MAX_CHECKPOINT_COUNTS} counts in all)
 * and its totals; a chunk's sources and draws are walked again from its checkpoint when a position
 * in it is read, and the last few chunks read are kept. Its memory does not grow with the epoch's
 * length past that bound, where the walk's time does.
 */
final class MixPlan {
  /** The most positions an epoch of a mixture may have: draws are counted in ints. */
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

  /** The fewest positions a chunk holds: a chunk is walked again in a few milliseconds. */
  private static final int MIN_CHUNK = 1 << 16;

  /** The most checkpoint counts kept, over all chunks and sources (16 MiB). */
  private static final long MAX_CHECKPOINT_COUNTS = 1 << 22;

  /** The chunks kept at once, by chunk number modulo this. */
  private static final int CACHED = 4;

  private final double[] weights;
  private final boolean sampled;
  private final long seed;
  private final int sources;
  private final long length;
  private final int chunkShift;
  private final int[] checkpoints;
  private final long[] totals;
  private final AtomicReferenceArray<Chunk> chunks = new AtomicReferenceArray<>(CACHED);

  private MixPlan(
      MixWalk walk, double[] weights, boolean sampled, long seed, int chunkShift, int[] checkpoints) {
    this.weights = weights;
    this.sampled = sampled;
    this.seed = seed;
    this.sources = weights.length;
    this.length = walk.position;
    this.chunkShift = chunkShift;
    this.checkpoints = checkpoints;
    this.totals = walk.drawn.clone();
  }

  /**
   * Plans an epoch over sources of {@code rows} rows with the (normalized) {@code weights}:
   * blended, or sampled from {@code seed} if {@code sampled}, of {@code fixedLength} positions or
   * as long as {@code rule} says.
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
    int shift = chunkShift(cap, sources);
    long chunkMask = (1L << shift) - 1;
    int exhausted = 0;
    int weighted = 0;
    for (double w : weights) {
      weighted += w > 0 ? 1 : 0;
    }
    int[] checkpoints = new int[Math.toIntExact(((cap >> shift) + 2) * sources)];
    int marks = 0;
    MixWalk walk = MixWalk.of(weights, sampled, seed);
    long[] drawn = walk.drawn;
    for (long p = 0;
        rule == Length.FIXED ? p < fixedLength : !done(rule, exhausted, weighted);
        p++) {
      if (p >= MAX_LENGTH) {
        throw new IllegalArgumentException(
            "the mixture's epoch reached "
                + MAX_LENGTH
                + " positions before it was "
                + rule.name().toLowerCase(Locale.ROOT)
                + "; give the mixture a length");
      }
      if ((p & chunkMask) == 0) {
        checkpoints = mark(checkpoints, marks++, drawn);
      }
      int d = walk.step();
      if (drawn[d] == rows[d]) {
        exhausted++;
      }
    }
    return new MixPlan(
        walk, weights, sampled, seed, shift, Arrays.copyOf(checkpoints, marks * sources));
  }

  /**
   * Returns the log of the positions a chunk holds: at least {@link #MIN_CHUNK}, and enough that
   * the checkpoints of an epoch of {@code cap} positions stay within their bound.
   */
  private static int chunkShift(long cap, int sources) {
    long marks = Math.max(2, MAX_CHECKPOINT_COUNTS / sources);
    long chunk = Math.max(MIN_CHUNK, (cap + marks - 1) / marks);
    return 64 - Long.numberOfLeadingZeros(chunk - 1);
  }

  /** Stores {@code drawn} as checkpoint {@code mark}, growing the array if sampling ran long. */
  private static int[] mark(int[] checkpoints, int mark, long[] drawn) {
    int sources = drawn.length;
    int[] out = checkpoints;
    if ((mark + 1L) * sources > out.length) {
      out = Arrays.copyOf(out, Math.toIntExact(Math.max((mark + 1L) * sources, 2L * out.length)));
    }
    for (int d = 0; d < sources; d++) {
      out[mark * sources + d] = (int) drawn[d];
    }
    return out;
  }

  private static boolean done(Length rule, int exhausted, int weighted) {
    return rule == Length.FIRST_EXHAUSTED ? exhausted > 0 : exhausted == weighted;
  }

  /**
   * Returns about how many positions {@code rule} takes, above the true figure, to refuse early.
   */
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
    return chunk(position).source(position);
  }

  /** Returns how many positions before {@code position} in the epoch drew from its source. */
  long draw(long position) {
    Samplers.check(position, length);
    Chunk c = chunk(position);
    return c.draws[(int) (position - c.start)];
  }

  /**
   * Returns every source's draws before {@code position} ({@code length()} for the whole epoch).
   */
  long[] drawsBefore(long position) {
    if (position < 0 || position > length) {
      throw new IndexOutOfBoundsException("position " + position + " outside 0.." + length);
    }
    if (position == length) {
      return totals.clone();
    }
    Chunk c = chunk(position);
    long[] counts = new long[sources];
    for (int d = 0; d < sources; d++) {
      counts[d] = checkpoints[c.number * sources + d];
    }
    for (long q = c.start; q < position; q++) {
      counts[c.source(q)]++;
    }
    return counts;
  }

  /** Returns the chunk holding {@code position}, walked from its checkpoint if not kept. */
  private Chunk chunk(long position) {
    int number = (int) (position >> chunkShift);
    int slot = number % CACHED;
    Chunk c = chunks.get(slot);
    if (c == null || c.number != number) {
      c = walk(number);
      chunks.set(slot, c);
    }
    return c;
  }

  private Chunk walk(int number) {
    long start = (long) number << chunkShift;
    int size = (int) Math.min(1L << chunkShift, length - start);
    MixWalk walk = MixWalk.of(weights, sampled, seed);
    walk.seek(start, Arrays.copyOfRange(checkpoints, number * sources, (number + 1) * sources));
    byte[] narrow = sources <= 256 ? new byte[size] : null;
    short[] wide = narrow == null ? new short[size] : null;
    int[] draws = new int[size];
    for (int i = 0; i < size; i++) {
      int d = walk.step();
      draws[i] = (int) walk.drawn[d] - 1;
      if (narrow != null) {
        narrow[i] = (byte) d;
      } else {
        wide[i] = (short) d;
      }
    }
    return new Chunk(number, start, narrow, wide, draws);
  }

  /**
   * The sources (one byte a position up to 256 sources, else two) and draws of one chunk of
   * positions, from {@code start}.
   */
  private record Chunk(int number, long start, byte[] narrow, short[] wide, int[] draws) {
    int source(long position) {
      int i = (int) (position - start);
      return narrow != null ? narrow[i] & 0xff : wide[i] & 0xffff;
    }
  }
}
