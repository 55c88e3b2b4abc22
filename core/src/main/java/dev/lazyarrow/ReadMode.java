package dev.lazyarrow;

/**
 * How rows are read from the shard files: through the memory mapping, or with positional reads of
 * exactly the bytes they need. Set with {@link LazyDataset.Builder#readMode}.
 */
public enum ReadMode {
  /**
   * Each access picks: the mapping, zero-copy, for a record batch already in the batch cache or
   * whose pages are all in the page cache, and for reads that cover much of a batch (iteration,
   * {@link Split#batches()}, sequential loaders); positional reads for scattered rows of a batch
   * that is not in memory, where a page fault would read {@code read_ahead_kb} around each row.
   */
  AUTO,

  /** Always the mapping: every row read through its record batch, zero-copy. */
  MAPPED,

  /**
   * Positional reads for every row read by {@link Split#get}, {@link Split#take} and training batch
   * collation whose record batch is not in the batch cache; iteration and {@link Split#batches()}
   * still map.
   */
  RANGES
}
