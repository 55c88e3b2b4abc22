package dev.lazyarrow.spark;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import java.util.Iterator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Reads one shard as Spark columnar batches over the library's zero-copy record batches: Spark's
 * {@link ArrowColumnVector}s point into the memory-mapped file. Each batch stays leased until the
 * next one is asked for, which is as long as Spark may use it.
 */
final class ShardReader implements PartitionReader<ColumnarBatch> {
  /** One batch is in use at a time; the cache only needs to hold a few. */
  private static final long CACHE_BYTES = 64L << 20;

  private final String[] columns;
  private final LazyDataset dataset;
  private final Iterator<Batch> batches;
  private Batch current;
  private ColumnarBatch columnar;

  ShardReader(ShardScan.ShardPartition partition, String[] columns) {
    this.columns = columns;
    this.dataset =
        LazyDataset.newBuilder().maximumCacheBytes(CACHE_BYTES).open(Paths.local(partition.path()));
    try {
      this.batches =
          dataset.split(partition.split()).batches(partition.shard(), partition.shard() + 1);
    } catch (RuntimeException e) {
      dataset.close();
      throw e;
    }
  }

  @Override
  public boolean next() {
    release();
    if (!batches.hasNext()) {
      return false;
    }
    current = batches.next();
    VectorSchemaRoot root = current.root();
    ColumnVector[] vectors = new ColumnVector[columns.length];
    for (int i = 0; i < columns.length; i++) {
      vectors[i] = new ArrowColumnVector(root.getVector(columns[i]));
    }
    columnar = new ColumnarBatch(vectors, current.size());
    return true;
  }

  @Override
  public ColumnarBatch get() {
    return columnar;
  }

  @Override
  public void close() {
    release();
    dataset.close();
  }

  // The columnar batch is not closed: its vectors belong to the leased batch, which frees them.
  private void release() {
    if (current != null) {
      current.close();
      current = null;
      columnar = null;
    }
  }
}
