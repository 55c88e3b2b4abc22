package dev.lazyarrow.spark;

import dev.lazyarrow.internal.format.Manifest;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.types.StructType;

/**
 * The scan of one split: the columns the query needs, and one input partition per shard that holds
 * rows. Planning reads the manifest only.
 */
final class ShardScan implements ScanBuilder, SupportsPushDownRequiredColumns, Scan, Batch {
  private final ReadSpec spec;
  private StructType schema;

  ShardScan(ReadSpec spec, StructType schema) {
    this.spec = spec;
    this.schema = schema;
  }

  @Override
  public void pruneColumns(StructType required) {
    schema = required;
  }

  @Override
  public Scan build() {
    return this;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "lazyarrow " + spec.path() + (spec.split() == null ? "" : " split " + spec.split());
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    Manifest.SplitEntry entry = spec.entry(Manifest.read(spec.dir()));
    List<InputPartition> partitions = new ArrayList<>();
    for (int i = 0; i < entry.shards().size(); i++) {
      if (entry.shards().get(i).rows() > 0) {
        partitions.add(new ShardPartition(spec.path(), entry.name(), i));
      }
    }
    return partitions.toArray(InputPartition[]::new);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ShardReaderFactory(schema.fieldNames());
  }

  /** One shard of a split: the unit of work of a read task. */
  record ShardPartition(String path, String split, int shard) implements InputPartition {}
}
