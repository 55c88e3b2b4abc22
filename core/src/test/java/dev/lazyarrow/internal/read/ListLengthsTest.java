package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Indexer;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.ShardBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * List lengths read from the offsets alone ({@link ListLengths}, through {@link Split#listLengths})
 * against the lists the loaded batches hold, on converted shards (plain and ZSTD, checksums
 * verified or not) and on streams served in place; and damaged offsets, null counts and types, each
 * one clear error.
 */
class ListLengthsTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}.{1} compression={2} verify={3}")
  @CsvSource({
    "save_dict, labels, none, false",
    "save_dict, labels, zstd, false",
    "save_dict, labels, none, true",
    "save_format_columns, input_ids, none, false",
    "save_format_columns, input_ids, zstd, false",
    "save_format_columns, input_ids, zstd, true",
  })
  void listLengths_ofConvertedShards_equalTheListsOfTheBatches(
      String fixture, String column, String compression, boolean verify) throws IOException {
    Path out = convert(fixture, compression);
    LazyDataset.Builder builder = LazyDataset.newBuilder();
    if (verify) {
      builder.verifyChecksums();
    }
    try (LazyDataset ds = builder.open(out)) {
      for (Split split : ds.splits()) {
        assertArrayEquals(fromBatches(split, column), split.listLengths(column), split.name());
      }
    }
  }

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource({"save_dict, labels", "save_format_columns, input_ids"})
  void listLengths_ofStreamsServedInPlace_equalTheListsOfTheBatches(String fixture, String column)
      throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/" + fixture), tmp.resolve("src"));
    Indexer.index(source);
    try (LazyDataset ds = LazyDataset.open(source)) {
      for (Split split : ds.splits()) {
        assertArrayEquals(fromBatches(split, column), split.listLengths(column), split.name());
      }
    }
  }

  @Test
  void listLengths_ofAProjection_readTheSelectedColumn() {
    Path out = Fixtures.convert("save_dict", tmp.resolve("out"));
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.split("train");
      assertArrayEquals(split.listLengths("labels"), split.select("labels").listLengths("labels"));
    }
  }

  @Test
  void listLengths_ofAColumnThatIsNoList_isRefusedNamingIt() {
    Path out = Fixtures.convert("save_dict", tmp.resolve("out"));
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.split("train");
      IllegalArgumentException text =
          assertThrows(IllegalArgumentException.class, () -> split.listLengths("text"));
      assertTrue(
          text.getMessage().contains("column 'text' is Utf8, not a list"), text.getMessage());
      IllegalArgumentException missing =
          assertThrows(IllegalArgumentException.class, () -> split.listLengths("nope"));
      assertTrue(missing.getMessage().contains("no column 'nope'"), missing.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> split.select("text").listLengths("labels"));
    }
  }

  // save_dict's buffers: text validity 0, offsets 1, values 2; labels validity 3, offsets 4, then
  // its items' validity 5 and values 6. Field nodes: text 0, labels 1, items 2.

  @Test
  void listLengths_offsetsDecreasing_failsNamingTheFile() {
    lengthsFail(
        bytes -> bytes.putInt(bytes.bufferData(0, 4) + 4 * 6, 0),
        "has offset 6 = 0 below offset 5");
  }

  @Test
  void listLengths_firstOffsetNegative_failsNamingTheFile() {
    lengthsFail(bytes -> bytes.putInt(bytes.bufferData(0, 4), -1), "starts its offsets at -1");
  }

  @Test
  void listLengths_lastOffsetPastTheItems_failsNamingTheFile() {
    lengthsFail(bytes -> bytes.putLong(bytes.node(0, 2), 1), "ends its offsets at ");
  }

  @Test
  void listLengths_itemsPastTheirValuesBuffer_failsNamingTheFile() {
    lengthsFail(bytes -> bytes.putLong(bytes.node(0, 2), 1L << 40), "items in a values buffer of ");
  }

  @Test
  void listLengths_nullCountWithoutTheBits_failsNamingTheFile() {
    lengthsFail(bytes -> bytes.putLong(bytes.node(0, 1) + 8, 3), "nulls");
  }

  @Test
  void listLengths_listNodeOfOtherLength_failsNamingTheFile() {
    lengthsFail(bytes -> bytes.putLong(bytes.node(0, 1), 7), "lists, the batch holds");
  }

  @Test
  void listLengths_compressedOffsetsDeclaringTooManyBytes_failsBeforeDecompressing()
      throws IOException {
    lengthsFail(
        convert("save_dict", "zstd"),
        bytes -> bytes.putLong(bytes.bufferData(0, 4), 1L << 40),
        "declares buffer 4 of 1099511627776 bytes");
  }

  /** Converts the hf fixture {@code fixture} in small batches with {@code compression}. */
  private Path convert(String fixture, String compression) throws IOException {
    Path out = tmp.resolve(fixture + "-" + compression);
    Converter.newBuilder()
        .compression(Converter.Compression.valueOf(compression.toUpperCase(Locale.ROOT)))
        .batchBytes(4096)
        .build()
        .convert(Fixtures.path("hf/" + fixture), out);
    return out;
  }

  private void lengthsFail(Consumer<ShardBytes> damage, String what) {
    lengthsFail(Fixtures.convert("save_dict", tmp.resolve("out")), damage, what);
  }

  /**
   * Damages batch 0 of the first shard of the conversion of {@code save_dict} in {@code dir} and
   * checks that reading the lengths of its labels fails naming the shard and saying {@code what}.
   */
  private void lengthsFail(Path dir, Consumer<ShardBytes> damage, String what) {
    Path shard = dir.resolve("train/part-00000.arrow");
    ShardBytes bytes = ShardBytes.of(shard);
    damage.accept(bytes);
    bytes.write();
    try (LazyDataset ds = LazyDataset.open(dir)) {
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> ds.split("train").listLengths("labels"));
      assertTrue(e.getMessage().startsWith(shard.toString()), e.getMessage());
      assertTrue(e.getMessage().contains(what), e.getMessage());
    }
  }

  /** Returns the size of every row's list in {@code column}, from the loaded batches. */
  private static int[] fromBatches(Split split, String column) {
    int[] out = new int[(int) split.size()];
    for (Iterator<Batch> it = split.batches(); it.hasNext(); ) {
      try (Batch batch = it.next()) {
        FieldVector vector = batch.root().getVector(column);
        for (int i = 0; i < batch.size(); i++) {
          Object list = vector.getObject(i);
          out[(int) batch.firstRow() + i] = list == null ? 0 : ((List<?>) list).size();
        }
      }
    }
    return out;
  }
}
