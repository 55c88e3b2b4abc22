package dev.lazyarrow.spark;

import dev.lazyarrow.internal.convert.ShardSink;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.execution.arrow.ArrowWriter;

/**
 * Writes one task attempt's rows as shards in its own folder under the job's staging folder:
 * Spark's {@code ArrowWriter} fills Arrow vectors row by row, and the library's {@link ShardSink}
 * writes them. Nothing is visible in the dataset until the driver commits the job.
 */
final class TaskWriter implements DataWriter<InternalRow> {
  /** Rows between two looks at the batch's size, which sums every column's buffers. */
  private static final int SIZE_CHECK_ROWS = 64;

  private final TaskWriterFactory job;
  private final int partition;
  private final Path folder;
  private final Schema rowSchema;
  private final Schema shardSchema;
  private final BufferAllocator allocator = new RootAllocator();
  private final Map<String, SplitRows> splits = new LinkedHashMap<>();
  private SplitRows last;

  TaskWriter(TaskWriterFactory job, int partition, long taskId) {
    this.job = job;
    this.partition = partition;
    this.folder = Path.of(job.staging(), partition + "-" + taskId);
    this.rowSchema = Schema.deserializeMessage(ByteBuffer.wrap(job.rowSchema()));
    this.shardSchema = Schema.deserializeMessage(ByteBuffer.wrap(job.shardSchema()));
  }

  @Override
  public void write(InternalRow row) throws IOException {
    String split = job.spec().split();
    int column = job.spec().splitColumn();
    if (column >= 0) {
      if (row.isNullAt(column)) {
        throw new IllegalArgumentException(
            "split column '" + rowSchema.getFields().get(column).getName() + "' is null in a row");
      }
      split = row.getUTF8String(column).toString();
    }
    if (last == null || !last.name.equals(split)) {
      last = splits.get(split);
      if (last == null) {
        last = new SplitRows(WriteSpec.checkSplitName(split));
        splits.put(split, last);
      }
    }
    last.add(row);
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    List<TaskShards.Shard> written = new ArrayList<>();
    for (SplitRows rows : splits.values()) {
      rows.flush();
      for (Manifest.Shard s : rows.sink.finish()) {
        written.add(new TaskShards.Shard(rows.name, s.path(), s.rows(), s.bytes()));
      }
    }
    return new TaskShards(partition, folder.getFileName().toString(), written);
  }

  @Override
  public void abort() {
    release();
    Paths.delete(folder);
  }

  @Override
  public void close() {
    release();
    allocator.close();
  }

  private void release() {
    for (SplitRows rows : splits.values()) {
      rows.close();
    }
    splits.clear();
    last = null;
  }

  /** The rows of one split: vectors being filled and the sink their batches go to. */
  private final class SplitRows implements AutoCloseable {
    final String name;
    final VectorSchemaRoot root;
    final ArrowWriter arrow;
    final VectorSchemaRoot stored;
    final ShardSink sink;
    int rows;

    SplitRows(String name) {
      this.name = name;
      root = VectorSchemaRoot.create(rowSchema, allocator);
      arrow = ArrowWriter.create(root);
      // The split column is written into the vectors (it is cheap) but not stored.
      List<FieldVector> kept = new ArrayList<>(root.getFieldVectors());
      if (job.spec().splitColumn() >= 0) {
        kept.remove(job.spec().splitColumn());
      }
      stored = new VectorSchemaRoot(kept);
      WriteSpec spec = job.spec();
      sink =
          ShardSink.open(
              folder,
              name,
              shardSchema,
              allocator,
              spec.batchBytes(),
              spec.shardBytes(),
              spec.compression().codec());
    }

    void add(InternalRow row) throws IOException {
      arrow.write(row);
      // Flushed a little short of the bound, so that the sink rarely cuts off a small remainder.
      if (++rows % SIZE_CHECK_ROWS == 0 && arrow.sizeInBytes() >= job.spec().batchBytes() / 8 * 7) {
        flush();
      }
    }

    void flush() throws IOException {
      if (rows == 0) {
        return;
      }
      arrow.finish();
      stored.setRowCount(root.getRowCount());
      sink.write(stored);
      arrow.reset();
      rows = 0;
    }

    @Override
    public void close() {
      sink.close();
      root.close();
    }
  }
}
