package dev.lazyarrow.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Makes the columnar reader of each shard on the executors; {@code columns} are those to read. */
record ShardReaderFactory(String[] columns) implements PartitionReaderFactory {

  @Override
  public boolean supportColumnarReads(InputPartition partition) {
    return true;
  }

  @Override
  public PartitionReader<ColumnarBatch> createColumnarReader(InputPartition partition) {
    return new ShardReader((ShardScan.ShardPartition) partition, columns);
  }

  /** Never called: every partition is read as columnar batches, which Spark turns into rows. */
  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    throw new UnsupportedOperationException("lazyarrow shards are read as columnar batches");
  }
}
