package dev.lazyarrow;

import dev.lazyarrow.cache.BatchCache.Lease;
import java.util.ArrayList;
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
  private VectorSchemaRoot projected;

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
    return lease.value().root.getVector(columns.source[columns.position(column)]);
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
    return !lease.value().nullFree(columns.source[columns.position(column)]);
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
    return new Row(columns, firstRow + i, lease.value().values(i, columns.source));
  }

  /** Releases this batch; idempotent. */
  @Override
  public void close() {
    lease.close();
  }
}
