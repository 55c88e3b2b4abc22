package dev.lazyarrow.loader;

/**
 * One rank's share of an epoch's global batches: ranks take them round-robin, starting after the
 * {@code start} batches already consumed, and every rank gets the same number.
 *
 * <p>Rank {@code r} of {@code worldSize} takes global batches {@code start + r}, {@code start + r +
 * worldSize}, ... The last round is either dropped if incomplete ({@code dropLast}) or completed by
 * wrapping to the epoch's first batches, as PyTorch's DistributedSampler pads: unequal counts would
 * leave one rank waiting in a collective while the others have finished the epoch. Each rank
 * computes its share alone from (start, worldSize, rank): no coordination.
 */
record Partition(long batches, long start, int rank, int worldSize, boolean dropLast) {
  Partition {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank must be in [0, worldSize) with worldSize >= 1, found rank "
              + rank
              + " of "
              + worldSize);
    }
  }

  /**
   * Checks that state {@code s}'s step lies within its epoch's {@code batches} global batches of
   * {@code what} (rows or samples): a state resumed from a file may claim any step, and one beyond
   * the epoch would silently yield nothing.
   *
   * @throws IllegalArgumentException if it does not
   */
  static void requireStepWithin(long batches, LoaderState s, String what) {
    if (s.step() > batches) {
      throw new IllegalArgumentException(
          "the state's step must not exceed epoch "
              + s.epoch()
              + "'s "
              + batches
              + " global batches"
              + what
              + ", found "
              + s.step());
    }
  }

  /**
   * Returns the share of {@code batches} global batches that state {@code s} has from {@code step}
   * on.
   */
  static Partition of(long batches, LoaderState s, long step) {
    return new Partition(batches, step, s.rank(), s.worldSize(), s.dropLast());
  }

  /** Returns the number of batches this rank gets, the same for every rank. */
  long rounds() {
    long remaining = Math.max(0, batches - start);
    return dropLast ? remaining / worldSize : (remaining + worldSize - 1) / worldSize;
  }

  /** Returns the global batch of this rank's round {@code round}. */
  long batch(long round) {
    Samplers.check(round, rounds());
    long global = start + round * worldSize + rank;
    // Padding wraps to the epoch's first batches, whatever the resumption point, so that a run
    // resumed on the same number of ranks pads exactly as the uninterrupted one.
    return global < batches ? global : global % batches;
  }

  /** Returns the global batches consumed by all ranks once every rank has taken {@code rounds}. */
  long consumedAfter(long rounds) {
    return start + rounds * worldSize;
  }
}
