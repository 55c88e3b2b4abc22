package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LazyDataset.Builder#keepInMemory}: every batch copied in at open, files never read again.
 */
class KeepInMemoryTest {
  @TempDir Path tmp;

  private Path convert(Converter.Compression compression) throws IOException {
    Path out = tmp.resolve("small-" + compression);
    Converter.newBuilder()
        .batchBytes(2048)
        .compression(compression)
        .build()
        .convert(Fixtures.path("hf/save_small_batches"), out);
    return out;
  }

  private static List<Path> shards(Path dataset) throws IOException {
    try (Stream<Path> files = Files.walk(dataset)) {
      return files.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
  }

  private static List<Map<String, Object>> rows(Split split) {
    List<Map<String, Object>> rows = new ArrayList<>();
    split.forEach(row -> rows.add(row.toMap()));
    return rows;
  }

  @Test
  void open_keepInMemory_readsEveryBatchAndNeverTheFilesAgain() throws IOException {
    for (Converter.Compression compression : Converter.Compression.values()) {
      Path path = convert(compression);
      List<Map<String, Object>> expected;
      try (LazyDataset lazy = LazyDataset.open(path)) {
        expected = rows(lazy.split("train"));
      }
      try (RootAllocator parent = new RootAllocator()) {
        try (LazyDataset ds =
            LazyDataset.newBuilder().allocator(parent).keepInMemory().open(path)) {
          long batches = ds.cacheStats().misses();
          assertTrue(batches > 10, ds.cacheStats().toString());
          assertEquals(batches, ds.cacheStats().residentBatches());
          long bodies = shards(path).stream().mapToLong(p -> p.toFile().length()).sum();
          assertTrue(parent.getAllocatedMemory() > bodies / 2, parent.getAllocatedMemory() + "");
          for (Path shard : shards(path)) {
            Files.delete(shard);
          }
          Split train = ds.split("train");
          assertEquals(expected, rows(train));
          assertEquals(expected.get(7), train.get(7).toMap());
          assertEquals(batches, ds.cacheStats().misses());
        }
        assertEquals(0, parent.getAllocatedMemory());
      }
    }
  }

  @Test
  void open_keepInMemoryCorruptBatch_throwsAndFreesWhatItRead() throws IOException {
    Path path = convert(Converter.Compression.NONE);
    Path shard = shards(path).get(0);
    try (RootAllocator allocator = new RootAllocator();
        FileChannel channel =
            FileChannel.open(shard, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      List<ArrowBlock> blocks = reader.getRecordBlocks();
      // The last batch's metadata length, after the continuation marker: now past its block.
      channel.write(
          ByteBuffer.wrap(new byte[] {0, 0, 0, 0x7F}),
          blocks.get(blocks.size() - 1).getOffset() + 4);
    }
    try (RootAllocator parent = new RootAllocator()) {
      LazyArrowException e =
          assertThrows(
              LazyArrowException.class,
              () -> LazyDataset.newBuilder().allocator(parent).keepInMemory().open(path));
      assertEquals(shard, e.file());
      assertTrue(e.getMessage().contains("bytes of metadata"), e.getMessage());
      assertEquals(0, parent.getAllocatedMemory());
    }
  }

  @Test
  void keepInMemory_withCacheBound_throwsEitherWay() {
    IllegalStateException after =
        assertThrows(
            IllegalStateException.class,
            () -> LazyDataset.newBuilder().maximumCacheBytes(1 << 20).keepInMemory());
    assertEquals(
        "a dataset kept in memory has no cache bound, but one was set to 1048576",
        after.getMessage());
    IllegalStateException before =
        assertThrows(
            IllegalStateException.class,
            () -> LazyDataset.newBuilder().keepInMemory().maximumCacheBytes(1 << 20));
    assertEquals("a dataset kept in memory has no cache bound", before.getMessage());
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class,
            () -> LazyDataset.newBuilder().keepInMemory().keepInMemory());
    assertEquals("keep in memory was already set", twice.getMessage());
  }
}
