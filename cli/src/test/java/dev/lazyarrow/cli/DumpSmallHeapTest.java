package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.IpcFileWriter;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.SmallHeap;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code lazyarrow dump} in a child JVM of {@value SmallHeap#HEAP}, as {@code java -Xmx256m
 * -jar lazyarrow-cli.jar dump} runs, over splits whose size (claimed or real) is far more rows
 * than that heap holds at once.
 */
class DumpSmallHeapTest {
  @TempDir Path tmp;

  @Test
  void dump_rangeOfAManifestClaiming268435456RowsForA2345RowShard_namesTheShard()
      throws Exception {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Manifest manifest = Manifest.read(ds);
    Manifest.SplitEntry split = manifest.splits().get(0);
    Manifest.Shard shard = split.shards().get(0);
    long claim = 268_435_456;
    Manifest.Shard lie = new Manifest.Shard(shard.path(), claim, shard.bytes());
    new Manifest(
            manifest.writer(),
            manifest.source(),
            List.of(new Manifest.SplitEntry(split.name(), claim, split.features(), List.of(lie))))
        .write(ds);
    Path log = tmp.resolve("dump.log");
    int status = dump(log, ds, "--range", "0:" + claim);
    String output =
        SmallHeap.withoutJvmWarnings(Files.readString(errors(log), StandardCharsets.UTF_8)).strip();
    assertEquals(1, status, output);
    assertEquals("", Files.readString(log, StandardCharsets.UTF_8));
    assertEquals(
        "lazyarrow: "
            + ds.toRealPath().resolve(shard.path())
            + ": file holds "
            + shard.rows()
            + " rows, the manifest says "
            + claim,
        output);
  }

  @Test
  void dump_rangeOfA1200000RowSplit_printsEveryRowWithinTheHeap() throws Exception {
    int rows = 1_200_000;
    Path ds = textSplit(tmp.resolve("ds"), rows);
    Path log = tmp.resolve("dump.log");
    int status = dump(log, ds, "--range", "0:" + rows);
    String first;
    try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      first = in.readLine();
    }
    assertEquals(0, status, first + Files.readString(errors(log), StandardCharsets.UTF_8));
    assertEquals(line(0), first);
    String last = line(rows - 1) + "\n";
    try (FileChannel file = FileChannel.open(log)) {
      ByteBuffer tail = ByteBuffer.allocate(last.length());
      file.read(tail, file.size() - last.length());
      assertEquals(last, new String(tail.array(), StandardCharsets.UTF_8));
    }
    assertEquals(rows, newlines(log));
  }

  /** Returns the text of row {@code row} of {@link #textSplit}. */
  private static String text(long row) {
    return String.format("row %010d %s", row, "x".repeat(90));
  }

  /** Returns the line dump prints for row {@code row} of {@link #textSplit}. */
  private static String line(long row) {
    return "{\"index\": " + row + ", \"row\": {\"id\": " + row + ", \"text\": \"" + text(row) + "\"}}";
  }

  /**
   * Writes a dataset of one split of {@code rows} rows, an int64 {@code id} and a string {@code
   * text} of 105 characters, in batches of 1,000 rows, as {@code datasets} writes its folders: some
   * 200 bytes of the heap a row once read, so that the rows held together outgrow it.
   */
  private static Path textSplit(Path ds, int rows) throws IOException {
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("id", new ArrowType.Int(64, true)),
                Field.nullable("text", ArrowType.Utf8.INSTANCE)));
    Path shard = ds.resolve("train/part-00000.arrow");
    Files.createDirectories(shard.getParent());
    int batchRows = 1000;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel out =
            FileChannel.open(shard, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        IpcFileWriter writer =
            new IpcFileWriter(root, out, new HashMap<>(), NoCompressionCodec.INSTANCE)) {
      BigIntVector id = (BigIntVector) root.getVector("id");
      VarCharVector text = (VarCharVector) root.getVector("text");
      writer.start();
      for (int first = 0; first < rows; first += batchRows) {
        int n = Math.min(batchRows, rows - first);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
          id.setSafe(i, first + i);
          text.setSafe(i, text(first + i).getBytes(StandardCharsets.US_ASCII));
        }
        root.setRowCount(n);
        writer.writeBatch();
      }
      writer.end();
    }
    new Manifest(
            "test",
            new Manifest.Source("test", "", ""),
            List.of(
                new Manifest.SplitEntry(
                    "train",
                    rows,
                    null,
                    List.of(new Manifest.Shard("train/part-00000.arrow", rows, Files.size(shard))))))
        .write(ds);
    return ds;
  }

  private static long newlines(Path file) throws IOException {
    long count = 0;
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    try (FileChannel in = FileChannel.open(file)) {
      while (in.read(chunk.clear()) > 0) {
        for (int i = 0; i < chunk.position(); i++) {
          count += chunk.get(i) == '\n' ? 1 : 0;
        }
      }
    }
    return count;
  }

  /** Returns where {@link #dump} writes the child's standard error, beside its output {@code log}. */
  private static Path errors(Path log) {
    return log.resolveSibling(log.getFileName() + ".err");
  }

  /**
   * Runs {@code lazyarrow dump ds selection...} at {@value SmallHeap#HEAP}, its rows written to
   * {@code log} and its errors to {@link #errors}, and returns its exit status.
   */
  private static int dump(Path log, Path ds, String... selection) throws Exception {
    String[] args = new String[2 + selection.length];
    args[0] = "dump";
    args[1] = ds.toString();
    System.arraycopy(selection, 0, args, 2, selection.length);
    return SmallHeap.run(log, errors(log), Main.class.getName(), args);
  }
}
