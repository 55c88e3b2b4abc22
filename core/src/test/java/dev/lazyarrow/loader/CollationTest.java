package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.CacheStats;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every collation of every column read straight from the record batches gives, value by value, the
 * arrays that the same collation of {@link TrainingBatch#rows()} gives, or fails the same way: on
 * the shared fixtures, uncompressed and ZSTD, dictionary-encoded and null values, batches of rows
 * from many record batches under a cache smaller than two of them; and no lease or allocator byte
 * is left afterwards.
 */
class CollationTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "hf/save_single, NONE, 8192",
    "hf/save_single, ZSTD, 8192",
    "hf/save_extension, NONE, 512",
    "hf/save_small_batches, ZSTD, 2048",
    "pyarrow/ipc_plain.arrow, NONE, 0",
    "pyarrow/ipc_zstd.arrow, NONE, 0"
  })
  void everyCollation_bufferPath_equalsRowPath(
      String fixture, Converter.Compression compression, int batchBytes) throws IOException {
    Path path = dataset(fixture, compression, batchBytes);
    try (RootAllocator allocator = new RootAllocator();
        LazyDataset ds = LazyDataset.newBuilder().allocator(allocator).open(path)) {
      Split split = ds.split("train");
      long[] starts = split.batchStarts();
      assertTrue(starts.length > 3, "several record batches: " + starts.length);
      for (long[] rows : rowSets(split.size(), starts)) {
        TrainingBatch batch = TrainingBatch.collate(split, rows);
        List<Row> expected = batch.rows();
        for (Field field : split.schema().getFields()) {
          String c = field.getName();
          Feature f = split.features().get(c);
          String where = fixture + " " + c + " " + rows.length + " rows";
          assertEquals(
              outcome(() -> Expected.tokens(expected, c, Integer.MAX_VALUE, 0)),
              outcome(() -> batch.tokens(c)),
              where);
          assertEquals(
              outcome(() -> Expected.tokens(expected, c, 3, -1)),
              outcome(() -> batch.tokens(c, 3, -1)),
              where);
          assertEquals(
              outcome(() -> Expected.multiHot(expected, c, f)),
              outcome(() -> batch.multiHot(c)),
              where);
          assertEquals(
              outcome(() -> Expected.longs(expected, c)), outcome(() -> batch.longs(c)), where);
          assertEquals(
              outcome(() -> Expected.doubles(expected, c)), outcome(() -> batch.doubles(c)), where);
          assertEquals(
              outcome(() -> Expected.strings(expected, c)), outcome(() -> batch.strings(c)), where);
          assertEquals(
              outcome(() -> Expected.tensor(expected, field)),
              outcome(() -> batch.tensor(c)),
              where);
        }
      }
      CacheStats stats = ds.cacheStats();
      assertEquals(stats.residentBatches(), stats.liveBatches(), "no batch is held by a lease");
    }
  }

  @ParameterizedTest
  @CsvSource({"NONE", "ZSTD"})
  void collate_rowsOfManyRecordBatchesUnderATinyCache_holdsOneLeaseAtATime(
      Converter.Compression compression) throws IOException {
    // pyarrow's file with few columns, rewritten in record batches of 8 KiB: about 100 of them.
    Path path = tmp.resolve("small-" + compression);
    Converter.newBuilder()
        .batchBytes(8 << 10)
        .compression(compression)
        .build()
        .convert(Fixtures.path("pyarrow/ipc_plain.arrow"), path);
    try (RootAllocator allocator = new RootAllocator()) {
      // 6 KiB: less than two record batches weigh, so every batch of rows reloads them one by one.
      LazyDataset ds =
          LazyDataset.newBuilder().allocator(allocator).maximumCacheBytes(6 << 10).open(path);
      Split split = ds.split("train").select("ids", "id", "tag");
      long[] starts = split.batchStarts();
      assertTrue(starts.length > 50, "record batches: " + starts.length);
      long[] rows = new Random(3).longs(150, 0, split.size()).toArray();
      TrainingBatch batch = TrainingBatch.collate(split, rows);
      List<Row> expected = batch.rows();
      assertEquals(
          outcome(() -> Expected.tokens(expected, "ids", Integer.MAX_VALUE, 0)),
          outcome(() -> batch.tokens("ids")));
      assertEquals(outcome(() -> Expected.longs(expected, "id")), outcome(() -> batch.longs("id")));
      assertEquals(
          outcome(() -> Expected.strings(expected, "tag")), outcome(() -> batch.strings("tag")));
      CacheStats stats = ds.cacheStats();
      assertTrue(stats.misses() > starts.length, stats.toString());
      assertTrue(stats.residentBatches() <= 1, stats.toString());
      assertEquals(stats.residentBatches(), stats.liveBatches(), "no batch is held by a lease");
      ds.close();
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void tensor_array2dStoredAsNestedLists_stacksTheRowsInItsShape() throws IOException {
    // datasets stores an Array2D of shape (2, 3) as list<list<float>>, not as fixed-size lists.
    Path path = dataset("hf/save_extension", Converter.Compression.NONE, 512);
    try (LazyDataset ds = LazyDataset.open(path)) {
      Tensor grid = TrainingBatch.collate(ds.split("train"), 1, 0).tensor("grid");
      assertArrayEquals(new int[] {2, 2, 3}, grid.shape());
      assertArrayEquals(new float[] {1, 2, 3, 2, 3, 4, 0, 1, 2, 0, 0, 0}, (float[]) grid.values());
    }
  }

  @Test
  void collation_ofAProjectedSplit_collatesEveryColumnInOneWalk() throws IOException {
    Path small = tmp.resolve("small");
    Converter.newBuilder()
        .batchBytes(8 << 10)
        .build()
        .convert(Fixtures.path("pyarrow/ipc_plain.arrow"), small);
    try (LazyDataset ds = LazyDataset.open(small)) {
      Split whole = ds.split("train");
      long[] rows = new Random(5).longs(200, 0, whole.size()).toArray();
      long distinct =
          Arrays.stream(rows)
              .map(r -> Arrays.binarySearch(whole.batchStarts(), r))
              .map(i -> i >= 0 ? i : -i - 2)
              .distinct()
              .count();
      TrainingBatch expected = TrainingBatch.collate(whole, rows);
      String tokens = outcome(() -> expected.tokens("ids"));
      String ids = outcome(() -> expected.longs("id"));
      String tags = outcome(() -> expected.strings("tag"));
      long before = lookups(ds);

      TrainingBatch batch = TrainingBatch.collate(whole.select("ids", "id", "tag"), rows);
      assertEquals(tokens, outcome(() -> batch.tokens("ids")));
      assertEquals(distinct, lookups(ds) - before, "one lease per record batch, for every column");
      assertEquals(ids, outcome(() -> batch.longs("id")));
      assertEquals(tags, outcome(() -> batch.strings("tag")));
      assertEquals(distinct, lookups(ds) - before, "the other columns were collated with it");
    }
  }

  private static long lookups(LazyDataset ds) {
    CacheStats stats = ds.cacheStats();
    return stats.hits() + stats.misses();
  }

  /** Converts an hf fixture, or makes a dataset of one pyarrow file as its only shard. */
  private Path dataset(String fixture, Converter.Compression compression, int batchBytes)
      throws IOException {
    Path out = tmp.resolve("ds");
    if (fixture.startsWith("hf/")) {
      Converter.newBuilder()
          .batchBytes(batchBytes)
          .compression(compression)
          .build()
          .convert(Fixtures.path(fixture), out);
      return out;
    }
    return Fixtures.pyarrowShard(
        fixture.substring(fixture.indexOf('/') + 1, fixture.indexOf('.')), out);
  }

  /**
   * Returns the row sets to collate: shuffled batches, runs across record batch boundaries, the
   * whole split, one row and none.
   */
  private static List<long[]> rowSets(long size, long[] starts) {
    List<long[]> sets = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 2; i++) {
      sets.add(random.longs(64, 0, size).toArray());
    }
    for (int b = 1; b < Math.min(starts.length - 1, 3); b++) {
      sets.add(
          LongStream.range(Math.max(0, starts[b] - 5), Math.min(size, starts[b] + 5)).toArray());
    }
    sets.add(shuffled(size, random));
    sets.add(new long[] {size - 1});
    sets.add(new long[0]);
    return sets;
  }

  /** Returns every row of a split of {@code size} rows, shuffled. */
  private static long[] shuffled(long size, Random random) {
    long[] all = LongStream.range(0, size).toArray();
    for (int i = all.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    return all;
  }

  /** Describes a collation's arrays, or names the exception it failed with. */
  static String outcome(Supplier<Object> collation) {
    try {
      Object v = collation.get();
      if (v instanceof Padded p) {
        return "padded "
            + p.rows()
            + "x"
            + p.width()
            + Arrays.toString(p.values())
            + Arrays.toString(p.mask())
            + Arrays.toString(p.lengths());
      } else if (v instanceof Tensor t) {
        StringBuilder s = new StringBuilder("tensor " + Arrays.toString(t.shape()));
        s.append(t.values().getClass().getComponentType());
        for (int i = 0; i < Array.getLength(t.values()); i++) {
          s.append(' ').append(Array.get(t.values(), i));
        }
        return s.toString();
      } else if (v instanceof float[][] hot) {
        return Arrays.deepToString(hot);
      } else if (v instanceof long[] longs) {
        return Arrays.toString(longs);
      } else if (v instanceof double[] doubles) {
        return Arrays.toString(doubles);
      }
      return String.valueOf(v);
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName();
    }
  }

  /** The collations as a trainer would write them over rows. */
  static final class Expected {
    private Expected() {}

    static Padded tokens(List<Row> rows, String column, int maxLength, int pad) {
      int[][] ids = new int[rows.size()][];
      int width = 0;
      for (int r = 0; r < ids.length; r++) {
        Row row = rows.get(r);
        ids[r] = row.isNull(column) ? new int[0] : row.getIntArray(column);
        width = Math.max(width, Math.min(maxLength, ids[r].length));
      }
      int[] values = new int[ids.length * width];
      int[] mask = new int[values.length];
      int[] lengths = new int[ids.length];
      for (int r = 0; r < ids.length; r++) {
        for (int c = 0; c < width; c++) {
          boolean token = c < ids[r].length;
          values[r * width + c] = token ? ids[r][c] : pad;
          mask[r * width + c] = token ? 1 : 0;
          lengths[r] += token ? 1 : 0;
        }
      }
      return new Padded(values, mask, lengths, ids.length, width);
    }

    static float[][] multiHot(List<Row> rows, String column, Feature feature) {
      rows.forEach(r -> r.get(column));
      Feature item = feature == null ? null : feature.element();
      if (item == null || item.kind() != Feature.Kind.CLASS_LABEL) {
        throw new IllegalStateException("not a list of ClassLabel");
      }
      float[][] out = new float[rows.size()][item.names().size()];
      for (int r = 0; r < out.length; r++) {
        if (!rows.get(r).isNull(column)) {
          for (long label : rows.get(r).getLongArray(column)) {
            if (label < 0 || label >= out[r].length) {
              throw new IllegalStateException("label " + label);
            }
            out[r][(int) label] = 1;
          }
        }
      }
      return out;
    }

    /** Reads every non-null value first: a wrong type fails as such before any null does. */
    static long[] longs(List<Row> rows, String column) {
      rows.stream().filter(r -> !r.isNull(column)).forEach(r -> r.getLong(column));
      return rows.stream().mapToLong(r -> r.getLong(column)).toArray();
    }

    static double[] doubles(List<Row> rows, String column) {
      rows.stream().filter(r -> !r.isNull(column)).forEach(r -> r.getDouble(column));
      return rows.stream().mapToDouble(r -> r.getDouble(column)).toArray();
    }

    static List<String> strings(List<Row> rows, String column) {
      return rows.stream().map(r -> r.getString(column)).toList();
    }

    /**
     * Stacks the nested lists of a column whose type is a fixed-shape array of numbers: a level
     * below an empty list counts as 0 long if variable, its size if fixed.
     */
    static Tensor tensor(List<Row> rows, Field field) {
      String column = field.getName();
      rows.forEach(r -> r.get(column));
      Field leaf = field;
      ArrowType type = storage(leaf.getType());
      List<Integer> fixed = new ArrayList<>();
      while (type instanceof ArrowType.List
          || type instanceof ArrowType.LargeList
          || type instanceof ArrowType.FixedSizeList) {
        fixed.add(type instanceof ArrowType.FixedSizeList f ? f.getListSize() : 0);
        leaf = leaf.getChildren().get(0);
        type = storage(leaf.getType());
      }
      boolean numeric =
          type instanceof ArrowType.FloatingPoint fp
                  && fp.getPrecision() != FloatingPointPrecision.HALF
              || type instanceof ArrowType.Int i && i.getIsSigned();
      if (fixed.isEmpty()
          || !numeric
          || field.getDictionary() != null
          || leaf.getDictionary() != null) {
        throw new IllegalStateException("not a fixed-shape array of numbers");
      }
      if (rows.isEmpty()) {
        throw new IllegalStateException("no rows");
      }
      List<Object> flat = new ArrayList<>();
      List<Integer> shape = null;
      for (Row row : rows) {
        List<Integer> dims = new ArrayList<>();
        Object first = row.get(column);
        for (int size : fixed) {
          if (first instanceof List<?> list) {
            dims.add(list.size());
            first = list.isEmpty() ? null : list.get(0);
          } else {
            dims.add(size);
          }
        }
        flatten(row.get(column), 0, dims, flat);
        if (shape != null && !shape.equals(dims)) {
          throw new IllegalStateException("ragged");
        }
        shape = dims;
      }
      Object values = Array.newInstance(primitive(type), flat.size());
      for (int i = 0; i < flat.size(); i++) {
        Array.set(values, i, flat.get(i));
      }
      int[] full = new int[shape.size() + 1];
      full[0] = rows.size();
      for (int d = 0; d < shape.size(); d++) {
        full[d + 1] = shape.get(d);
      }
      return new Tensor(values, full);
    }

    private static void flatten(Object value, int depth, List<Integer> dims, List<Object> out) {
      if (value == null) {
        throw new IllegalStateException("null item");
      }
      if (value instanceof List<?> list) {
        if (dims.get(depth) != list.size()) {
          throw new IllegalStateException("ragged");
        }
        list.forEach(v -> flatten(v, depth + 1, dims, out));
      } else {
        out.add(value);
      }
    }

    private static ArrowType storage(ArrowType type) {
      return type instanceof ArrowType.ExtensionType ext ? ext.storageType() : type;
    }

    private static Class<?> primitive(ArrowType leaf) {
      if (leaf instanceof ArrowType.FloatingPoint fp) {
        return fp.getPrecision() == FloatingPointPrecision.SINGLE ? float.class : double.class;
      }
      return switch (((ArrowType.Int) leaf).getBitWidth()) {
        case 64 -> long.class;
        case 32 -> int.class;
        case 16 -> short.class;
        default -> byte.class;
      };
    }
  }
}
