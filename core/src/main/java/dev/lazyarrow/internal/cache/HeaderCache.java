package dev.lazyarrow.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * The record batch metadata of one shard kept for range reads, bounded in bytes: a batch's
 * metadata is a few hundred bytes, so the bound holds thousands, and a range read of a batch whose
 * metadata is kept costs one read instead of two.
 */
public final class HeaderCache {
  private final Cache<Integer, RecordBatch> headers;

  /** Creates a cache of at most {@code maxBytes} of metadata. */
  public HeaderCache(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    // Evicting on the caller's thread: a shard's metadata is small and a pool thread would
    // outlive the shard.
    headers =
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .weigher((Integer batch, RecordBatch header) -> header.getByteBuffer().capacity())
            .executor(Runnable::run)
            .build();
  }

  /** Returns the kept metadata of record batch {@code batch}, or null. */
  public RecordBatch get(int batch) {
    return headers.getIfPresent(batch);
  }

  /** Keeps the metadata of record batch {@code batch} while the bound allows. */
  public void put(int batch, RecordBatch header) {
    headers.put(batch, header);
  }
}
