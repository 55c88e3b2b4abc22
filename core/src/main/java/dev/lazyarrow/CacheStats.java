package dev.lazyarrow;

/**
 * A snapshot of a dataset's record batch cache.
 *
 * @param hits lookups that found their batch resident
 * @param misses lookups that loaded their batch
 * @param evictions batches evicted to respect the byte bound
 * @param loadedBytes the weight of every batch ever loaded
 * @param residentBytes the weight of the batches resident now
 * @param residentBatches the number of batches resident now
 * @param liveBatches the batches alive now: resident, or evicted but still held by a reader
 */
public record CacheStats(
    long hits,
    long misses,
    long evictions,
    long loadedBytes,
    long residentBytes,
    long residentBatches,
    long liveBatches) {

  /** Returns the fraction of lookups that hit, or 0 before the first lookup. */
  public double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
