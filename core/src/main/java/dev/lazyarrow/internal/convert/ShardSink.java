package dev.lazyarrow.internal.convert;

import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The shard writer of {@code lazyarrow convert}, for writers of datasets from other engines
 * (Spark): writes one split's rows, given as Arrow batches, into {@code DIR/SPLIT/part-NNNNN.arrow}
 * shards in exactly the format {@link dev.lazyarrow.LazyDataset} reads.
 *
 * <p>Record batches are cut to at most {@code batchBytes} and a new shard begins once one holds
 * {@code shardBytes}, as in {@code Converter}. The shards {@link #finish} returns go, with the
 * split's row count and features, into a {@link Manifest.SplitEntry}; {@link Manifest#write} then
 * commits the dataset. Paths in the returned shards are relative to {@code DIR}. Not thread-safe:
 * one sink per writing thread.
 */
public final class ShardSink implements AutoCloseable {
  private final ShardWriter writer;

  private ShardSink(ShardWriter writer) {
    this.writer = writer;
  }

  /**
   * Opens a sink that writes the shards of split {@code split} under {@code dir}; no file is
   * created before the first batch (or {@link #finish}).
   *
   * @throws IllegalArgumentException if {@code batchBytes} or {@code shardBytes} is not positive
   */
  public static ShardSink open(
      Path dir,
      String split,
      Schema schema,
      BufferAllocator allocator,
      long batchBytes,
      long shardBytes,
      CompressionUtil.CodecType compression) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(allocator, "allocator");
    Objects.requireNonNull(compression, "compression");
    if (batchBytes <= 0) {
      throw new IllegalArgumentException("batch bytes must be positive: " + batchBytes);
    }
    if (shardBytes <= 0) {
      throw new IllegalArgumentException("shard bytes must be positive: " + shardBytes);
    }
    return new ShardSink(
        new ShardWriter(
            dir, split, schema, allocator, batchBytes, shardBytes, compression));
  }

  /**
   * Appends the rows of {@code batch}, whose schema must be the sink's; the caller keeps {@code
   * batch} and may reuse it afterwards.
   *
   * @throws IOException if a shard cannot be written
   */
  public void write(VectorSchemaRoot batch) throws IOException {
    writer.write(Objects.requireNonNull(batch, "batch"));
  }

  /**
   * Closes the last shard and returns every shard written, in row order; a sink given no rows
   * writes one empty shard, which carries the schema.
   *
   * @throws IOException if the last shard cannot be written
   */
  public List<Manifest.Shard> finish() throws IOException {
    return writer.finish();
  }

  /** Releases what a failed write left open; the caller deletes the files. */
  @Override
  public void close() {
    writer.close();
  }
}
