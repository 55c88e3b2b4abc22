package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.ReadMode;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.ShardBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rows read by positional reads ({@link RangeReads#readRows}) against the same rows of the mapped
 * batch, value for value, on converted fixtures (nulls, dictionaries, nested lists, ZSTD), and
 * damaged offsets reached only through ranges. Every allocator is closed, so a leaked buffer fails.
 */
class RangeReadTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} compression={1}")
  @CsvSource({
    "save_dict, none",
    "save_small_batches, none",
    "save_extension, none",
    "save_translation, none",
    "save_dict, zstd",
    "save_extension, zstd",
  })
  void readRows_anySubsetOfAnyColumns_equalsTheMappedRows(String fixture, String compression)
      throws IOException {
    Path out = tmp.resolve("out");
    Converter.newBuilder()
        .compression(Converter.Compression.valueOf(compression.toUpperCase(java.util.Locale.ROOT)))
        .batchBytes(4096)
        .build()
        .convert(Fixtures.path("hf/" + fixture), out);
    List<Path> shards;
    try (Stream<Path> files = Files.walk(out)) {
      shards = files.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
    SplittableRandom random = new SplittableRandom(7);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (Path file : shards) {
        try (ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
          int fields = shard.schema().getFields().size();
          for (int b = 0; b < shard.batchCount(); b++) {
            int rows = (int) (shard.batchStarts()[b + 1] - shard.batchStart(b));
            int[] subset = random.ints(0, rows).limit(1 + rows / 3).distinct().sorted().toArray();
            int[] columns = random.ints(0, fields).limit(fields).distinct().toArray();
            checkSame(shard, b, rows == 0 ? new int[0] : subset, columns);
            checkSame(shard, b, rows == 0 ? new int[0] : new int[] {rows - 1}, columns);
          }
        }
      }
    }
  }

  @Test
  void readRows_rowsNotAscending_isRefusedNamingTheRule() throws IOException {
    Path out = Fixtures.convert("save_dict", tmp.resolve("out"));
    try (BufferAllocator allocator = new RootAllocator();
        ShardFile shard = new ShardFile(out.resolve("train/part-00000.arrow"), -1, -1, allocator)) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  RangeReads.readRows(
                      List.of(new RowRequest(shard, 0, new int[] {5, 2})), new int[] {0}));
      assertTrue(e.getMessage().contains("rows must ascend inside 0..999: [5, 2]"), e.getMessage());
    }
  }

  @Test
  void get_listOffsetPastItsValuesThroughRanges_failsNamingTheFile() {
    // The labels offsets (buffer 4) of row 0 become 0..2^30: far past the 1,000-odd items.
    rangeReadFails(
        bytes -> bytes.putInt(bytes.bufferData(0, 4) + 4, 0x40000000),
        0,
        "has offset 1073741824 after 0");
  }

  @Test
  void get_stringOffsetsDecreasingThroughRanges_failsNamingTheFile() {
    // The text offsets (buffer 1): offset 6 drops below offset 5.
    rangeReadFails(
        bytes -> {
          long at = bytes.bufferData(0, 1);
          bytes.putInt(at + 4 * 6, bytes.getInt(at + 4 * 5) - 1);
        },
        5,
        "record batch 0");
  }

  @Test
  void get_stringOffsetOfIntMaxThroughRanges_failsBeforeReadingIt() {
    rangeReadFails(
        bytes -> bytes.putInt(bytes.bufferData(0, 1) + 4, Integer.MAX_VALUE), 0, "outside 0..");
  }

  /**
   * Damages the first shard of a fresh {@code save_dict} conversion and checks that reading {@code
   * row} by ranges fails naming the shard and saying {@code what}.
   */
  private void rangeReadFails(Consumer<ShardBytes> damage, long row, String what) {
    Path dir = Fixtures.convert("save_dict", tmp.resolve("out"));
    Path shard = dir.resolve("train/part-00000.arrow");
    ShardBytes bytes = ShardBytes.of(shard);
    damage.accept(bytes);
    bytes.write();
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.RANGES).open(dir)) {
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> ds.split("train").get(row));
      assertTrue(e.getMessage().startsWith(shard.toString()), e.getMessage());
      assertTrue(e.getMessage().contains(what), e.getMessage());
    }
  }

  /** Reads {@code rows} of batch {@code b} by ranges and checks them against the mapped batch. */
  private static void checkSame(ShardFile shard, int b, int[] rows, int[] columns) {
    LoadedBatch mapped = shard.load(b);
    List<RowsRead> read = RangeReads.readRows(List.of(new RowRequest(shard, b, rows)), columns);
    try {
      RowsRead r = read.get(0);
      int[] held = r.rows();
      assertEquals(held.length, r.batch().root().getRowCount());
      for (int row : rows) {
        assertTrue(java.util.Arrays.binarySearch(held, row) >= 0, "row " + row + " is held");
      }
      for (int c : columns) {
        FieldVector want = mapped.root().getVector(c);
        FieldVector got = r.batch().root().getVector(c);
        for (int i = 0; i < held.length; i++) {
          assertEquals(
              String.valueOf(want.getObject(held[i])),
              String.valueOf(got.getObject(i)),
              shard.path() + " batch " + b + " row " + held[i] + " column " + c);
        }
      }
    } finally {
      mapped.root().close();
      read.forEach(r -> r.batch().root().close());
    }
  }
}
