package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.IpcFileWriter;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardFileTest {
  @TempDir Path tmp;

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void allocatorIsEmpty() {
    allocator.close(); // throws if any test leaked a buffer
  }

  /** Writes an IPC file of {@code batches} batches of 1000 ints, value = row index. */
  private Path writeInts(String name, int batches, boolean withRowsKey) throws IOException {
    Path file = tmp.resolve(name);
    Schema schema =
        new Schema(List.of(new Field("v", FieldType.nullable(new ArrowType.Int(32, true)), null)));
    StringBuilder rows = new StringBuilder();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        FileChannel ch =
            FileChannel.open(
                file,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
      java.util.Map<String, String> meta = new java.util.HashMap<>();
      try (IpcFileWriter writer = new IpcFileWriter(root, ch, meta, NoCompressionCodec.INSTANCE)) {
        writer.start();
        IntVector v = (IntVector) root.getVector(0);
        for (int b = 0; b < batches; b++) {
          v.allocateNew(1000);
          for (int i = 0; i < 1000; i++) {
            v.set(i, b * 1000 + i);
          }
          root.setRowCount(1000);
          writer.writeBatch();
          rows.append(b == 0 ? "" : ",").append(1000);
        }
        if (withRowsKey) {
          meta.put(ShardFile.BATCH_ROWS_KEY, rows.toString());
        }
        writer.end();
      }
    }
    return file;
  }

  private static int valueAt(ShardFile shard, long row) {
    int b = shard.batchOf(row);
    LoadedBatch loaded = shard.load(b);
    try (VectorSchemaRoot root = loaded.root()) {
      return ((IntVector) root.getVector(0)).get((int) (row - shard.batchStart(b)));
    }
  }

  @Test
  void load_footerWithRowCounts_indexesEveryRow() throws IOException {
    Path file = writeInts("a.arrow", 5, true);
    try (ShardFile shard = new ShardFile(file, Files.size(file), 5000, allocator)) {
      assertEquals(5, shard.batchCount());
      assertEquals(5000, shard.rows());
      assertEquals(4321, valueAt(shard, 4321));
      assertEquals(0, valueAt(shard, 0));
      assertEquals(4999, valueAt(shard, 4999));
    }
  }

  @Test
  void load_foreignFileWithoutRowCounts_readsBatchHeaders() throws IOException {
    Path file = writeInts("b.arrow", 3, false);
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      assertEquals(3000, shard.rows());
      assertEquals(2500, valueAt(shard, 2500));
    }
  }

  @Test
  void segments_smallerThanFile_areMappedOnFirstTouchOnly() throws IOException {
    Path file = writeInts("c.arrow", 8, true);
    // Each batch is 4000 bytes of body plus metadata: a bound of 10000 groups two a segment.
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator, 10_000)) {
      assertEquals(4, shard.segmentCount());
      assertEquals(0, shard.mappedSegmentCount());
      assertEquals(7999, valueAt(shard, 7999));
      assertEquals(1, shard.mappedSegmentCount());
      for (long row = 0; row < 8000; row += 999) {
        assertEquals(row, valueAt(shard, row));
      }
      assertEquals(4, shard.mappedSegmentCount());
    }
  }

  @Test
  void open_blockLargerThanSegmentBound_isRefused() throws IOException {
    Path file = writeInts("d.arrow", 1, true);
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator, 1000)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, shard::rows);
      assertTrue(e.getMessage().contains("more than one mapping holds (1000)"), e.getMessage());
    }
  }

  @Test
  void loadedBatch_outlivesShardClose_untilItsVectorsClose() throws IOException {
    Path file = writeInts("e.arrow", 2, true);
    VectorSchemaRoot root;
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      root = shard.load(1).root();
    }
    // The segment stays mapped while the vector points into it.
    assertEquals(1999, ((IntVector) root.getVector(0)).get(999));
    root.close();
    assertEquals(0, allocator.getAllocatedMemory());
  }

  @Test
  void load_fieldNodesOfForeignFile_noNullsHoldsExactlyTheVectorsWithoutNulls() throws IOException {
    Path file = Fixtures.path("pyarrow/ipc_plain.arrow");
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      for (int b = 0; b < shard.batchCount(); b++) {
        for (LoadedBatch batch : List.of(shard.load(b), shard.read(b))) {
          List<FieldVector> all = new ArrayList<>();
          collect(batch.root().getFieldVectors(), all);
          for (FieldVector v : all) {
            assertEquals(v.getNullCount() == 0, batch.noNulls().contains(v), v.getName());
          }
          assertTrue(all.stream().anyMatch(v -> v.getNullCount() > 0), "no nulls to check");
          batch.root().close();
        }
      }
    }
  }

  private static void collect(List<FieldVector> vectors, List<FieldVector> out) {
    for (FieldVector v : vectors) {
      out.add(v);
      collect(v.getChildrenFromFields(), out);
    }
  }

  @Test
  void open_wrongMagic_namesFile() throws IOException {
    Path file = writeInts("f.arrow", 1, true);
    byte[] bytes = Files.readAllBytes(file);
    bytes[0] = 'X';
    Files.write(file, bytes);
    assertFault(file, -1, -1, "wrong magic");
  }

  @Test
  void open_streamFormatFile_saysItMustBeConverted() throws IOException {
    Path stream = Fixtures.path("hf/save_translation/data-00000-of-00001.arrow");
    assertFault(stream, -1, -1, "an IPC stream must be converted or indexed first");
  }

  @Test
  void open_truncatedFile_isCaughtBySizeAndMagic() throws IOException {
    Path file = writeInts("g.arrow", 2, true);
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size - 100);
    }
    assertFault(file, size, -1, "the manifest says " + size);
    assertFault(file, -1, -1, "wrong magic");
  }

  @Test
  void open_tinyFile_saysTooSmall() throws IOException {
    Path file = Files.write(tmp.resolve("tiny.arrow"), "ARROW1".getBytes());
    assertFault(file, -1, -1, "file too small for an Arrow IPC file: 6 bytes");
  }

  @Test
  void open_footerLengthBeyondFile_isRefused() throws IOException {
    Path file = writeInts("h.arrow", 1, true);
    long size = Files.size(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 1 << 30), size - 10);
    }
    assertFault(file, -1, -1, "footer length 1073741824 does not fit");
  }

  @Test
  void open_blockPointingPastData_isRefused() throws IOException {
    Path file = writeInts("i.arrow", 3, true);
    byte[] bytes = Files.readAllBytes(file);
    int footerLength =
        ByteBuffer.wrap(bytes, bytes.length - 10, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = bytes.length - 10 - footerLength;
    // Cut the last batch's bytes out: the footer, intact, now points past the data.
    byte[] cut = new byte[bytes.length - 4000];
    System.arraycopy(bytes, 0, cut, 0, footerStart - 4000);
    System.arraycopy(bytes, footerStart, cut, footerStart - 4000, bytes.length - footerStart);
    Files.write(file, cut);
    assertFault(file, -1, -1, "points outside the data");
  }

  @Test
  void open_rowsDisagreeWithManifest_isRefused() throws IOException {
    Path file = writeInts("j.arrow", 2, true);
    assertFault(file, Files.size(file), 1999, "file holds 2000 rows, the manifest says 1999");
  }

  @Test
  void open_missingFile_saysMissing() {
    assertFault(tmp.resolve("nope.arrow"), -1, -1, "shard file is missing");
  }

  @Test
  void load_fileRewrittenAfterOpen_isRefused() throws IOException {
    Path file = writeInts("k.arrow", 2, true);
    try (ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      shard.rows();
      Files.write(
          file,
          "x".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          StandardOpenOption.APPEND);
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> shard.load(0));
      assertTrue(e.getMessage().contains("file changed under the reader"), e.getMessage());
    }
  }

  @Test
  void locate_emptyParts_areSkipped() {
    // Parts 1 and 2 are empty: [0,10) [10,10) [10,10) [10,25).
    long[] starts = {0, 10, 10, 10, 25};
    assertEquals(0, ShardFile.locate(starts, 0));
    assertEquals(0, ShardFile.locate(starts, 9));
    assertEquals(3, ShardFile.locate(starts, 10));
    assertEquals(3, ShardFile.locate(starts, 24));
  }

  private void assertFault(Path file, long bytes, long rows, String expected) {
    try (ShardFile shard = new ShardFile(file, bytes, rows, allocator)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, shard::rows);
      assertEquals(file, e.file());
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
  }
}
