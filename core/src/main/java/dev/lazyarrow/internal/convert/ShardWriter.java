package dev.lazyarrow.internal.convert;

import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.format.Names;
import dev.lazyarrow.internal.ipc.Codecs;
import dev.lazyarrow.internal.ipc.IpcFileWriter;
import dev.lazyarrow.internal.read.ShardFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one split as Arrow IPC file shards whose record batches hold a bounded number of bytes.
 *
 * <p>Incoming batches are cut into slices of at most {@code batchBytes} (one row may exceed it
 * alone), so that one long row cannot make a giant batch; smaller batches are written as they come,
 * because Arrow Java's vector appender mishandles large lists and a row-by-row copy would slow
 * every conversion. A shard is closed, and the next begun, once it holds {@code shardBytes}. Each
 * shard's footer lists its batches' row counts under {@link ShardFile#BATCH_ROWS_KEY}, so a reader
 * builds its row index from the footer alone, and its checksums ({@link IpcFileWriter}).
 */
public final class ShardWriter implements AutoCloseable {
  private final Path dir;
  private final String split;
  private final Schema schema;
  private final BufferAllocator allocator;
  private final long batchBytes;
  private final long shardBytes;
  private final CompressionUtil.CodecType codec;

  private final List<Manifest.Shard> shards = new ArrayList<>();

  private VectorSchemaRoot out;
  private FileChannel channel;
  private IpcFileWriter writer;
  private Map<String, String> footer;
  private StringJoiner batchRows;
  private long shardRows;
  private Path shardPath;

  public ShardWriter(
      Path dir,
      String split,
      Schema schema,
      BufferAllocator allocator,
      long batchBytes,
      long shardBytes,
      CompressionUtil.CodecType codec) {
    this.dir = dir;
    this.split = split;
    this.schema = schema;
    this.allocator = allocator;
    this.batchBytes = batchBytes;
    this.shardBytes = shardBytes;
    this.codec = codec;
  }

  /** Appends the rows of {@code batch}, which the caller keeps and may reuse afterwards. */
  public void write(VectorSchemaRoot batch) throws IOException {
    int rows = batch.getRowCount();
    long bytes = bytes(batch);
    int start = 0;
    while (start < rows) {
      int n = (int) Math.max(1, Math.min(rows - start, batchBytes * rows / Math.max(1, bytes)));
      VectorSchemaRoot slice = batch.slice(start, n);
      while (bytes(slice) > batchBytes && n > 1) {
        slice.close();
        n /= 2;
        slice = batch.slice(start, n);
      }
      try {
        writeBatch(slice);
      } finally {
        slice.close();
      }
      start += n;
    }
  }

  /** Closes the last shard and returns the shards written. */
  public List<Manifest.Shard> finish() throws IOException {
    if (shards.isEmpty() && writer == null) {
      openShard(); // an empty split still gets one shard, which carries its schema
    }
    // The last batch may have just closed a full shard: no empty one follows it.
    if (writer != null) {
      closeShard();
    }
    return List.copyOf(shards);
  }

  private void writeBatch(VectorSchemaRoot batch) throws IOException {
    if (writer == null) {
      openShard();
    }
    try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
      new VectorLoader(out).load(record);
    }
    writer.writeBatch();
    batchRows.add(Integer.toString(batch.getRowCount()));
    shardRows += batch.getRowCount();
    if (channel.position() >= shardBytes) {
      closeShard();
    }
  }

  private void openShard() throws IOException {
    Path folder = dir.resolve(Names.requirePlain(dir, "split name", split));
    // A sink's own folder (a Spark task's, in its job's staging folder) may not exist yet; its
    // parent must: a task still running after its job was aborted must not recreate the staging.
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(dir);
    }
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(folder);
    }
    shardPath = folder.resolve(String.format("part-%05d.arrow", shards.size()));
    channel =
        FileChannel.open(
            shardPath,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    out = VectorSchemaRoot.create(schema, allocator);
    footer = new HashMap<>();
    batchRows = new StringJoiner(",");
    shardRows = 0;
    writer = new IpcFileWriter(out, channel, footer, Codecs.INSTANCE.createCodec(codec));
    writer.start();
  }

  private void closeShard() throws IOException {
    // The writer reads the footer map when it ends, so the row counts are complete by then.
    footer.put(ShardFile.BATCH_ROWS_KEY, batchRows.toString());
    writer.end();
    long size = channel.size();
    channel.force(true);
    writer.close(); // closes the channel too
    out.close();
    out = null;
    channel = null;
    shards.add(
        new Manifest.Shard(
            dir.relativize(shardPath).toString().replace('\\', '/'), shardRows, size));
    writer = null;
  }

  private static long bytes(VectorSchemaRoot root) {
    long total = 0;
    for (FieldVector v : root.getFieldVectors()) {
      total += v.getBufferSize();
    }
    return total;
  }

  /** Releases what a failed conversion left open; the caller deletes the files. */
  @Override
  public void close() {
    if (out != null) {
      out.close();
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // The conversion failed already and its files are deleted next.
      }
    }
    writer = null;
  }
}
