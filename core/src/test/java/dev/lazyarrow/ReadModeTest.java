package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.TrainingBatch;
import dev.lazyarrow.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading rows through the mapping and by ranges: the same values, and which path is taken. */
class ReadModeTest {
  @TempDir Path tmp;

  @Test
  void get_manyThreadsThroughRanges_returnsTheMappedValues() throws Exception {
    Path dir = Fixtures.convert("save_small_batches", tmp.resolve("out"));
    List<Object[]> expected = new ArrayList<>();
    try (LazyDataset mapped = LazyDataset.newBuilder().readMode(ReadMode.MAPPED).open(dir)) {
      for (Row row : mapped.split("train")) {
        expected.add(values(row));
      }
    }
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.RANGES).open(dir)) {
      Split train = ds.split("train");
      ExecutorService threads = Executors.newFixedThreadPool(16);
      try {
        List<Future<Integer>> checked = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          int seed = t;
          checked.add(
              threads.submit(
                  () -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 300; i++) {
                      int row = random.nextInt(expected.size());
                      assertArrayEquals(expected.get(row), values(train.get(row)), "row " + row);
                      long[] some = random.longs(5, 0, expected.size()).toArray();
                      List<Row> rows = train.take(some);
                      for (int k = 0; k < some.length; k++) {
                        assertArrayEquals(expected.get((int) some[k]), values(rows.get(k)));
                      }
                    }
                    return 300;
                  }));
        }
        for (Future<Integer> f : checked) {
          assertEquals(300, f.get());
        }
      } finally {
        threads.shutdown();
      }
      assertEquals(0, ds.cacheStats().loadedBytes(), "no batch was loaded through the mapping");
    }
  }

  @Test
  void multiHot_shuffledLoaderThroughRanges_collatesTheMappedValues() {
    Path dir = Fixtures.convert("save_dict", tmp.resolve("out"));
    List<float[][]> mapped = collate(dir, ReadMode.MAPPED);
    List<float[][]> ranges = collate(dir, ReadMode.RANGES);
    assertEquals(mapped.size(), ranges.size());
    for (int i = 0; i < mapped.size(); i++) {
      assertArrayEquals(mapped.get(i), ranges.get(i), "batch " + i);
    }
  }

  @Test
  void tokensAndLongs_prefetchingProjectedLoaderThroughRanges_collateTheMappedValues() {
    // The 32-row corpus hf_reference.py makes: text, input_ids and a ClassLabel.
    Path dir =
        Fixtures.copyTree(Path.of("../cli/src/main/resources/dev/lazyarrow/cli/warmup"), tmp.resolve("w"));
    List<String> mapped = tokensAndLabels(dir, ReadMode.MAPPED);
    assertEquals(mapped, tokensAndLabels(dir, ReadMode.RANGES));
    assertEquals(4, mapped.size());
  }

  private static List<String> tokensAndLabels(Path dir, ReadMode mode) {
    List<String> out = new ArrayList<>();
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(mode).open(dir);
        Loader loader =
            Loader.newBuilder(ds.split("train")
                .select("input_ids", "label"))
                .shuffle(9)
                .batchSize(8)
                .prefetch(2)
                .build()) {
      for (TrainingBatch batch : loader) {
        out.add(
            Arrays.toString(batch.tokens("input_ids").values())
                + Arrays.toString(batch.longs("label")));
      }
    }
    return out;
  }

  @Test
  void get_autoOnABatchInThePageCache_mapsIt() {
    // The shards were just written, so their pages are in memory: AUTO maps, as MAPPED does.
    Path dir = Fixtures.convert("save_dict", tmp.resolve("out"));
    try (LazyDataset ds = LazyDataset.open(dir)) {
      ds.split("train").get(5);
      assertEquals(1, ds.cacheStats().residentBatches());
    }
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.RANGES).open(dir)) {
      ds.split("train").get(5);
      assertEquals(0, ds.cacheStats().residentBatches());
    }
  }

  @Test
  void readAhead_byMode_readsOnlyTheRowsRangesWouldRead() {
    Path dir = Fixtures.convert("save_dict", tmp.resolve("out"));
    long[] rows = {2999, 5, 1200, 5, 17};
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.RANGES).open(dir)) {
      assertEquals(4, ds.split("train").readAhead(rows), "row 5 counts once");
      assertEquals(0, ds.cacheStats().loadedBytes());
    }
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.MAPPED).open(dir)) {
      assertEquals(0, ds.split("train").readAhead(rows));
    }
  }

  @Test
  void readMode_setTwice_isRefusedNamingTheFirst() {
    LazyDataset.Builder builder = LazyDataset.newBuilder().readMode(ReadMode.RANGES);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> builder.readMode(ReadMode.MAPPED));
    assertEquals("read mode was already set to RANGES", e.getMessage());
  }

  private static List<float[][]> collate(Path dir, ReadMode mode) {
    List<float[][]> out = new ArrayList<>();
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(mode).open(dir);
        Loader loader =
            Loader.newBuilder(ds.split("train").select("labels")).shuffle(3).batchSize(64).build()) {
      for (TrainingBatch batch : loader) {
        out.add(batch.multiHot("labels"));
      }
    }
    assertTrue(out.size() > 1);
    return out;
  }

  private static Object[] values(Row row) {
    Object[] values = new Object[row.columnNames().size()];
    for (int c = 0; c < values.length; c++) {
      Object v = row.get(c);
      values[c] = v instanceof int[] a ? Arrays.toString(a) : String.valueOf(v);
    }
    return values;
  }
}
