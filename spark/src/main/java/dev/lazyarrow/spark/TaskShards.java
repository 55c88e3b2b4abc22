package dev.lazyarrow.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What one task attempt wrote, sent to the driver when the attempt commits: its folder under the
 * job's staging folder and its shards, by split, in row order.
 */
record TaskShards(int partition, String folder, List<Shard> shards) implements WriterCommitMessage {

  /** One shard: its path relative to the task's folder, its rows and its exact size. */
  record Shard(String split, String path, long rows, long bytes) implements Serializable {}

  TaskShards {
    shards = List.copyOf(shards);
  }
}
