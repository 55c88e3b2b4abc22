package dev.lazyarrow;

import dev.lazyarrow.internal.cache.BatchCache.Lease;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One record batch of a split, leased from the cache: a zero-copy view of its Arrow vectors.
 *
 * <p>The vectors point into the memory-mapped shard (or into the decompressed copy of a compressed
 * batch) and stay valid until {@link #close}; the batch cannot be freed under its holder, even if
 * the cache evicts it meanwhile. Use it with try-with-resources. Not thread-safe to close
 * concurrently with reads. A batch of a projected split ({@link Split#select}) shows only the
 * selected columns.
 */
public final class Batch implements AutoCloseable {
  private final Columns columns;
  private final long firstRow;
  private final Lease<CachedBatch> lease;

  /** The rows held, local to the record batch starting at firstRow; null for all its rows. */
  private final int[] rows;

  private VectorSchemaRoot projected;

  Batch(Columns columns, long firstRow, Lease<CachedBatch> lease) {
    this(columns, firstRow, lease, null);
  }

  /**
   * A batch holding only the rows {@code rows} (ascending, local) of the record batch whose first
   * row is {@code firstRow}: rows read by ranges ({@link ReadMode}).
   */
  Batch(Columns columns, long firstRow, Lease<CachedBatch> lease, int[] rows) {
    this.columns = columns;
    this.firstRow = firstRow;
    this.lease = lease;
    this.rows = rows;
  }

  /** Returns the split index of this batch's first row (its lowest, for rows read by ranges). */
  public long firstRow() {
    return rows == null ? firstRow : firstRow + rows[0];
  }

  /**
   * Returns whether this batch holds split row {@code row}: a batch of rows read by ranges ({@link
   * ReadMode}) holds only those asked for.
   */
  public boolean holds(long row) {
    return indexOf(row) >= 0;
  }

  /** Returns the position in this batch of split row {@code row}, or -1 if it does not hold it. */
  public int indexOf(long row) {
    long local = row - firstRow;
    if (rows == null) {
      return local >= 0 && local < size() ? (int) local : -1;
    }
    return local < 0 || local > Integer.MAX_VALUE
        ? -1
        : Math.max(-1, Arrays.binarySearch(rows, (int) local));
  }

  /** Returns the number of rows in this batch. */
  public int size() {
    return lease.value().root.getRowCount();
  }

  /**
   * Returns the batch's vectors (the selected ones, for a projected split), valid until {@link
   * #close}. The caller must not close or modify them.
   */
  public VectorSchemaRoot root() {
    VectorSchemaRoot root = lease.value().root;
    if (columns.whole) {
      return root;
    }
    if (projected == null) {
      List<FieldVector> vectors = new ArrayList<>(columns.source.length);
      for (int position : columns.source) {
        vectors.add(root.getVector(position));
      }
      projected = new VectorSchemaRoot(columns.fields, vectors, root.getRowCount());
    }
    return projected;
  }

  /**
   * Returns the vector of the column named {@code column}, valid until {@link #close}: for a
   * dictionary-encoded column, its indices. The caller must not close or modify it.
   *
   * @throws IllegalArgumentException if there is no such column
   */
  public FieldVector vector(String column) {
    return vector(columns.position(column));
  }

  /**
   * Returns the vector of the column at {@code column} in the split's {@link Split#columnNames()},
   * as {@link #vector(String)} does, without looking the name up: what a reader that visits many
   * batches calls.
   *
   * @throws IndexOutOfBoundsException if there is no such column
   */
  public FieldVector vector(int column) {
    return lease.value().vectors[columns.source[column]];
  }

  /**
   * Returns whether the column at {@code column} in the split's {@link Split#columnNames()} may
   * hold a null in this batch, as {@link #mayHoldNulls(String)} does.
   *
   * @throws IndexOutOfBoundsException if there is no such column
   */
  public boolean mayHoldNulls(int column) {
    return !lease.value().nullFree(columns.source[column]);
  }

  /**
   * Returns whether the column named {@code column} may hold a null in this batch, at any depth
   * (list items, struct fields): false when the batch's metadata counts none, so that a reader can
   * skip every validity check.
   *
   * @throws IllegalArgumentException if there is no such column
   */
  public boolean mayHoldNulls(String column) {
    return mayHoldNulls(columns.position(column));
  }

  /**
   * Returns row {@code i} of this batch (split row {@code firstRow() + i}, unless the batch holds
   * rows read by ranges) as plain Java values.
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in {@code [0, size())}
   */
  public Row row(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("row " + i + " outside 0.." + (size() - 1) + " of batch");
    }
    return new Row(
        columns,
        rows == null ? firstRow + i : firstRow + rows[i],
        lease.value().values(i, columns.source));
  }

  /**
   * Returns whether the dataset's batch cache still keeps this batch: false once the cache evicted
   * it or the dataset closed, and for rows read by ranges ({@link ReadMode}), which the cache never
   * keeps. The batch stays valid until {@link #close} either way, but one the cache let go holds
   * memory outside the cache's bound: a reader that keeps batches from read to read closes those.
   */
  public boolean isCached() {
    return lease.isCached();
  }

  /** Releases this batch; idempotent. */
  @Override
  public void close() {
    lease.close();
  }
}
