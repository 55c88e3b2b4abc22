package dev.lazyarrow;

import dev.lazyarrow.cache.BatchCache.Lease;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One record batch of a split, leased from the cache: a zero-copy view of its Arrow vectors.
 *
 * <p>The vectors point into the memory-mapped shard (or into the decompressed copy of a compressed
 * batch) and stay valid until {@link #close}; the batch cannot be freed under its holder, even if
 * the cache evicts it meanwhile. Use it with try-with-resources. Not thread-safe to close
 * concurrently with reads.
 */
public final class Batch implements AutoCloseable {
  private final Columns columns;
  private final long firstRow;
  private final Lease<CachedBatch> lease;

  Batch(Columns columns, long firstRow, Lease<CachedBatch> lease) {
    this.columns = columns;
    this.firstRow = firstRow;
    this.lease = lease;
  }

  /** Returns the split index of this batch's first row. */
  public long firstRow() {
    return firstRow;
  }

  /** Returns the number of rows in this batch. */
  public int size() {
    return lease.value().root.getRowCount();
  }

  /**
   * Returns the batch's vectors, valid until {@link #close}. The caller must not close or modify
   * them.
   */
  public VectorSchemaRoot root() {
    return lease.value().root;
  }

  /**
   * Returns row {@code i} of this batch (split row {@code firstRow() + i}) as plain Java values.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
   */
  public Row row(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("row " + i + " outside 0.." + (size() - 1) + " of batch");
    }
    return new Row(columns, firstRow + i, lease.value().values(i));
  }

  /** Releases this batch; idempotent. */
  @Override
  public void close() {
    lease.close();
  }
}
