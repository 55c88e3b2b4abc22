package dev.lazyarrow.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.ShardBytes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's silent wrong row: {@code x = [1, null, 3, 4, 5, 6, 7, 8]} with row 0's validity bit
 * cleared, so that the bitmap says two nulls where the field node says one.
 */
class NullCountTest {
  @TempDir Path tmp;
  private Path shard;

  @BeforeEach
  void convert() throws IOException {
    Path source = tmp.resolve("x.arrow");
    try (BufferAllocator allocator = new RootAllocator();
        BigIntVector x = new BigIntVector("x", allocator)) {
      x.allocateNew(8);
      for (int i = 0; i < 8; i++) {
        if (i == 1) {
          x.setNull(i);
        } else {
          x.set(i, i + 1);
        }
      }
      x.setValueCount(8);
      try (VectorSchemaRoot root = VectorSchemaRoot.of(x);
          FileChannel out =
              FileChannel.open(source, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          IpcFileWriter writer =
              new IpcFileWriter(root, out, new HashMap<>(), NoCompressionCodec.INSTANCE)) {
        writer.start();
        root.setRowCount(8);
        writer.writeBatch();
        writer.end();
      }
    }
    Path dir = tmp.resolve("ds");
    Converter.newBuilder().build().convert(source, dir);
    try (Stream<Path> files = Files.walk(dir)) {
      shard = files.filter(p -> p.toString().endsWith(".arrow")).findFirst().orElseThrow();
    }
  }

  @Test
  void get_nullCountAgreeingWithTheBitmap_readsTheNull() {
    try (LazyDataset ds = LazyDataset.open(shard.getParent().getParent())) {
      Split split = ds.splits().get(0);
      assertEquals(1L, split.get(0).get("x"));
      assertEquals(null, split.get(1).get("x"));
    }
  }

  @Test
  void get_validityBitFlipped_failsNamingTheShardInsteadOfReturningANull() {
    ShardBytes bytes = ShardBytes.of(shard);
    long validity = bytes.bufferData(0, 0);
    assertEquals((byte) 0xfd, bytes.bytes()[(int) validity]);
    bytes.bytes()[(int) validity] = (byte) 0xfc;
    bytes.write();
    try (LazyDataset ds = LazyDataset.open(shard.getParent().getParent())) {
      Split split = ds.splits().get(0);
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> split.get(0));
      assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("counts 1 nulls in 8 values but its validity bitmap has 2"),
          e.getMessage());
    }
  }
}
