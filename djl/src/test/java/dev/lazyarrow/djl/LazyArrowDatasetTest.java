package dev.lazyarrow.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import ai.djl.translate.Pipeline;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LazyArrowDatasetTest {
  private static final Path FIXTURES = Fixtures.path("hf");
  private static final String[] NUMBERS = {
    "label", "id", "i8", "i16", "i32", "u8", "u32", "f16", "f32", "f64"
  };

  @TempDir static Path tmp;
  private static BufferAllocator allocator;
  private static NDManager manager;
  private static LazyDataset single;
  private static LazyDataset extension;
  private static LazyDataset arrays;

  @BeforeAll
  static void open() throws Exception {
    allocator = new RootAllocator();
    manager = NDManager.newBaseManager();
    single = open(FIXTURES.resolve("save_single"), "single");
    extension = open(FIXTURES.resolve("save_extension"), "extension");
    arrays = open(Path.of("src/test/resources/arrays"), "arrays");
  }

  @AfterAll
  static void close() {
    single.close();
    extension.close();
    arrays.close();
    assertEquals(List.of(), manager.getManagedArrays(), "every NDArray was closed");
    manager.close();
    allocator.close(); // fails if an Arrow buffer leaked
  }

  @Test
  void get_everyConversion_matchesRowValues() {
    Split split = single.split("train");
    try (LazyArrowDataset ds =
        LazyArrowDataset.builder()
            .setSplit(split)
            .addData("input_ids", "fixed")
            .addData(NUMBERS)
            .addLabels("labels")
            .setSampling(1, false)
            .build()) {
      for (long i = 0; i < split.size(); i++) {
        try (NDManager m = manager.newSubManager()) {
          Record record = ds.get(m, i);
          Row row = split.get(i);
          NDList data = record.getData();
          long[] ids = Arrays.stream(row.getIntArray("input_ids")).asLongStream().toArray();
          assertArray(data.get(0), "input_ids", DataType.INT64, new Shape(ids.length));
          assertArrayEquals(ids, data.get(0).toLongArray(), "row " + i);
          assertArray(data.get(1), "input_ids_mask", DataType.INT64, new Shape(ids.length));
          assertTrue(Arrays.stream(data.get(1).toLongArray()).allMatch(v -> v == 1));
          assertArray(data.get(2), "fixed", DataType.FLOAT32, new Shape(4));
          assertArrayEquals(row.getFloatArray("fixed"), data.get(2).toFloatArray());
          for (int c = 0; c < NUMBERS.length; c++) {
            NDArray a = data.get(3 + c);
            String column = NUMBERS[c];
            if (column.startsWith("f")) {
              DataType type = column.equals("f64") ? DataType.FLOAT64 : DataType.FLOAT32;
              assertArray(a, column, type, new Shape());
              assertEquals(row.getDouble(column), a.toType(DataType.FLOAT64, false).getDouble());
            } else {
              assertArray(a, column, DataType.INT64, new Shape());
              assertEquals(row.getLong(column), a.getLong(), column + " of row " + i);
            }
          }
          float[] hot = new float[6];
          for (long label : row.getLongArray("labels")) {
            hot[(int) label] = 1;
          }
          NDArray labels = record.getLabels().singletonOrThrow();
          assertArray(labels, "labels", DataType.FLOAT32, new Shape(6));
          assertArrayEquals(hot, labels.toFloatArray());
        }
      }
    }
  }

  @Test
  void get_arrayColumns_haveTheirShapeAndDtype() {
    checkArrays(extension.split("train"), "grid", DataType.FLOAT32, new Shape(2, 3));
    Split split = arrays.split("train");
    checkArrays(split, "a2", DataType.INT64, new Shape(2, 3));
    checkArrays(split, "a3", DataType.FLOAT64, new Shape(2, 2, 2));
    checkArrays(split, "a4", DataType.INT32, new Shape(1, 2, 1, 2));
    checkArrays(split, "a5", DataType.INT32, new Shape(1, 1, 2, 1, 2)); // int16 widened
    checkArrays(split, "fixed8", DataType.INT8, new Shape(3));
  }

  @Test
  void getData_padsTokenColumnsPerBatch() throws Exception {
    Split split = single.split("train");
    try (LazyArrowDataset ds =
        LazyArrowDataset.builder()
            .setSplit(split)
            .addData("input_ids", "i32")
            .addLabels("labels")
            .setSampling(7, false)
            .build()) {
      long row = 0;
      for (Batch batch : ds.getData(manager)) {
        try (batch) {
          NDArray ids = batch.getData().get("input_ids");
          NDArray mask = batch.getData().get("input_ids_mask");
          List<Row> rows = split.take(rangeOf(row, batch.getSize()));
          int width =
              rows.stream().mapToInt(r -> r.getIntArray("input_ids").length).max().orElse(0);
          assertEquals(new Shape(batch.getSize(), width), ids.getShape());
          assertEquals(new Shape(batch.getSize(), width), mask.getShape());
          assertEquals(new Shape(batch.getSize()), batch.getData().get("i32").getShape());
          assertEquals(new Shape(batch.getSize(), 6), batch.getLabels().head().getShape());
          long[] flat = ids.toLongArray();
          long[] flatMask = mask.toLongArray();
          for (int r = 0; r < rows.size(); r++) {
            int[] expected = rows.get(r).getIntArray("input_ids");
            for (int t = 0; t < width; t++) {
              assertEquals(t < expected.length ? expected[t] : 0, flat[r * width + t]);
              assertEquals(t < expected.length ? 1 : 0, flatMask[r * width + t]);
            }
          }
          NDList[] unbatched = new TokenBatchifier(new int[] {0}, 0).unbatchify(batch.getData());
          for (int r = 0; r < rows.size(); r++) {
            long[] expected =
                Arrays.stream(rows.get(r).getIntArray("input_ids")).asLongStream().toArray();
            assertArrayEquals(expected, unbatched[r].get("input_ids").toLongArray());
          }
          row += batch.getSize();
        }
      }
      assertEquals(split.size(), row);
    }
  }

  @Test
  void getData_collatedWhole_equalsGetAndBatchify() throws Exception {
    Split split = single.split("train");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (LazyArrowDataset whole = batches(split, null);
        LazyArrowDataset perRow = batches(split, new Pipeline())) {
      var collated = whole.getData(manager, pool).iterator();
      for (Batch expected : perRow.getData(manager)) {
        try (expected;
            Batch actual = collated.next()) {
          assertEquals(expected.getIndices(), actual.getIndices());
          assertLists(expected.getData(), actual.getData());
          assertLists(expected.getLabels(), actual.getLabels());
        }
      }
      assertTrue(!collated.hasNext());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void get_manyThreads_giveWhatOneThreadGives() throws Exception {
    Split split = single.split("train");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (LazyArrowDataset ds =
            LazyArrowDataset.builder()
                .setSplit(split)
                .addData("input_ids")
                .addLabels("labels")
                .setSampling(1, false)
                .build();
        NDManager m = manager.newSubManager()) {
      List<Future<long[]>> results = new ArrayList<>();
      for (long i = 0; i < split.size(); i++) {
        long index = i;
        results.add(pool.submit(() -> ds.get(m, index).getData().head().toLongArray()));
      }
      for (int i = 0; i < results.size(); i++) {
        long[] expected =
            Arrays.stream(split.get(i).getIntArray("input_ids")).asLongStream().toArray();
        assertArrayEquals(expected, results.get(i).get(), "row " + i);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void build_columnWithoutArrayForm_namesTheColumnAndWhatIsConverted() {
    var builder =
        LazyArrowDataset.builder()
            .setSplit(single.split("train"))
            .addData("text")
            .setSampling(4, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(e.getMessage().startsWith("column 'text' is Utf8"), e.getMessage());
    assertTrue(e.getMessage().contains("token lists"), e.getMessage());
  }

  @Test
  void build_missingColumn_listsTheColumns() {
    var builder =
        LazyArrowDataset.builder()
            .setSplit(single.split("train"))
            .addData("nope")
            .setSampling(4, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
    assertTrue(
        e.getMessage().startsWith("no column 'nope'; columns are [id, text"), e.getMessage());
  }

  @Test
  void build_withoutSampling_saysHowToSetIt() {
    var builder = LazyArrowDataset.builder().setSplit(single.split("train")).addData("id");
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
    assertTrue(e.getMessage().startsWith("set the sampling"), e.getMessage());
  }

  @Test
  void setDirectory_opensAndClosesTheDataset() throws Exception {
    Path dir = tmp.resolve("opened");
    Converter.newBuilder().build().convert(FIXTURES.resolve("save_extension"), dir);
    LazyArrowDataset ds =
        LazyArrowDataset.builder()
            .setDirectory(dir, "train")
            .addData("grid")
            .setSampling(5, true)
            .build();
    assertEquals(50, ds.size());
    ds.close();
    assertThrows(IllegalStateException.class, () -> ds.split().get(0));
  }

  private static LazyArrowDataset batches(Split split, Pipeline pipeline) {
    return LazyArrowDataset.builder()
        .setSplit(split)
        .addData("input_ids", "fixed", "label", "f16", "f64")
        .addLabels("labels", "input_ids")
        .optTokens(30, -1)
        .optPipeline(pipeline)
        .setSampling(13, false)
        .build();
  }

  /** Asserts that {@code actual} holds arrays of the names, dtypes, shapes and values expected. */
  static void assertLists(NDList expected, NDList actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArray(
          actual.get(i),
          expected.get(i).getName(),
          expected.get(i).getDataType(),
          expected.get(i).getShape());
      assertTrue(expected.get(i).contentEquals(actual.get(i)), expected.get(i).getName());
    }
  }

  private static void checkArrays(Split split, String column, DataType type, Shape shape) {
    try (LazyArrowDataset ds =
            LazyArrowDataset.builder()
                .setSplit(split)
                .addData(column)
                .setSampling(1, false)
                .build();
        NDManager m = manager.newSubManager()) {
      for (long i = 0; i < split.size(); i++) {
        NDArray a = ds.get(m, i).getData().singletonOrThrow();
        assertArray(a, column, type, shape);
        List<Number> expected = new ArrayList<>();
        flatten(split.get(i).get(column), expected);
        Number[] actual = a.toArray();
        assertEquals(expected.size(), actual.length);
        for (int k = 0; k < actual.length; k++) {
          assertEquals(expected.get(k).doubleValue(), actual[k].doubleValue(), column + " " + i);
        }
      }
    }
  }

  private static void flatten(Object value, List<Number> into) {
    if (value instanceof List<?> list) {
      list.forEach(v -> flatten(v, into));
    } else if (value instanceof float[] f) {
      for (float x : f) {
        into.add(x);
      }
    } else {
      into.add((Number) value);
    }
  }

  private static void assertArray(NDArray a, String name, DataType type, Shape shape) {
    assertEquals(name, a.getName());
    assertEquals(type, a.getDataType(), name);
    assertEquals(shape, a.getShape(), name);
  }

  private static long[] rangeOf(long from, int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static LazyDataset open(Path source, String name) throws Exception {
    Path out = tmp.resolve(name);
    Converter.newBuilder().build().convert(source, out);
    return LazyDataset.newBuilder().allocator(allocator).open(out);
  }
}
