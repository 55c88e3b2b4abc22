package dev.lazyarrow.testing;

import dev.lazyarrow.internal.bytes.HeapChannels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Large {@code save_to_disk} folders made in Java: one Arrow IPC stream of an int64 {@code id} and
 * a string {@code text} column, about 95 bytes a row, in batches of 1,000 rows, like the folders
 * {@code datasets} writes, for reads that must run long enough to be interrupted.
 */
public final class BigStreams {
  /** The data file's name, as {@code datasets} names a folder's only shard. */
  public static final String DATA_FILE = "data-00000-of-00001.arrow";

  private static final int BATCH_ROWS = 1000;

  private BigStreams() {}

  /** Writes a folder of {@code rows} rows into {@code dir}: {@code java BigStreams DIR ROWS}. */
  public static void main(String[] args) throws IOException {
    saveToDisk(Path.of(args[0]), Integer.parseInt(args[1]));
  }

  /** Writes a {@code save_to_disk} folder of {@code rows} rows into {@code dir}; returns it. */
  public static Path saveToDisk(Path dir, int rows) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("state.json"), "{\"_data_files\": [{\"filename\": \"" + DATA_FILE + "\"}]}");
    Files.writeString(
        dir.resolve("dataset_info.json"),
        "{\"features\": {\"id\": {\"dtype\": \"int64\", \"_type\": \"Value\"},"
            + " \"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}}}");
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("text", ArrowType.Utf8.INSTANCE)));
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel file =
            FileChannel.open(
                dir.resolve(DATA_FILE),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
      WriteChannel out = HeapChannels.writing(file);
      BigIntVector id = (BigIntVector) root.getVector("id");
      VarCharVector text = (VarCharVector) root.getVector("text");
      MessageSerializer.serialize(out, schema, IpcOption.DEFAULT);
      for (int first = 0; first < rows; first += BATCH_ROWS) {
        int n = Math.min(BATCH_ROWS, rows - first);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
          long row = first + i;
          id.setSafe(i, row);
          String value = String.format("row %010d %s", row, "x".repeat(60));
          text.setSafe(i, value.getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(n);
        try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
          MessageSerializer.serialize(out, batch, IpcOption.DEFAULT);
        }
      }
      ArrowStreamWriter.writeEndOfStream(out, IpcOption.DEFAULT);
    }
    return dir;
  }
}
