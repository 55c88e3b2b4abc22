package dev.lazyarrow.loader;

/**
 * The order of one epoch: which row of the split comes at each position.
 *
 * <p>A sampler is a pure function of its configuration, the seed and the epoch: every process that
 * builds the same one sees the same order, with no coordination, and any position can be looked up
 * directly, which is what makes sharding and exact resumption cheap.
 */
public interface Sampler {
  /** Returns the number of positions in the epoch. */
  long size();

  /**
   * Returns the split row at {@code position}.
   *
   * @throws IndexOutOfBoundsException if {@code position} is not in {@code [0, size())}
   */
  long row(long position);
}
