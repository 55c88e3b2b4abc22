package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loaders over a real split: coverage, equal shares, exact and elastic resumption, collation. */
class LoaderTest {
  @TempDir static Path tmp;

  private static LazyDataset dataset;
  private static Split split;

  @BeforeAll
  static void open() throws IOException {
    Path out = tmp.resolve("single");
    // Small record batches, so that block shuffling has many batches to shuffle.
    Converter.newBuilder()
        .batchBytes(8 << 10)
        .build()
        .convert(Fixtures.path("hf/save_single"), out);
    dataset = LazyDataset.open(out);
    split = dataset.split("train");
  }

  @AfterAll
  static void close() {
    dataset.close();
  }

  private static List<long[]> plan(Loader loader) {
    List<long[]> batches = new ArrayList<>();
    loader.plan().forEachRemaining(b -> batches.add(b.indices()));
    return batches;
  }

  /** The configurations the properties are checked over: order, batching, drop-last. */
  private static List<Function<LoaderBuilder, LoaderBuilder>> configurations(long seed) {
    return List.of(
        b -> b.batchSize(7),
        b -> b.shuffle(seed).batchSize(32),
        b -> b.shuffle(seed).batchSize(5).dropLast(),
        b -> b.blockShuffle(seed, 3).batchSize(16),
        b -> b.shuffle(seed).tokenBudget(600, "input_ids"),
        b -> b.blockShuffle(seed, 2).tokenBudget(900, "input_ids").paddedBudget().dropLast(),
        b -> b.shuffle(seed).tokenBudget(800, "input_ids").bucketByLength(100));
  }

  @Test
  void epoch_everyWorldSize_coversEveryRowOnceWithEqualShares() {
    Random random = new Random(1);
    for (Function<LoaderBuilder, LoaderBuilder> config : configurations(random.nextLong())) {
      for (int world = 1; world <= 8; world++) {
        int epoch = random.nextInt(3);
        int[] seen = new int[(int) split.size()];
        long batchesPerRank = -1;
        long rowsPerRank = -1;
        boolean fixed = false;
        boolean dropLast = false;
        for (int rank = 0; rank < world; rank++) {
          Loader loader = config.apply(Loader.newBuilder(split).epoch(epoch).shard(rank, world)).build();
          fixed = loader.state().batchSize() > 0;
          dropLast = loader.state().dropLast();
          long expectedBatches = loader.batchesPerEpoch();
          List<long[]> batches = plan(loader);
          assertEquals(expectedBatches, batches.size());
          if (batchesPerRank >= 0) {
            assertEquals(batchesPerRank, batches.size(), "equal batch counts, world " + world);
          }
          batchesPerRank = batches.size();
          long rows = batches.stream().mapToLong(b -> b.length).sum();
          if (fixed && world > 1 && rowsPerRank >= 0) {
            assertEquals(rowsPerRank, rows, "equal row counts, world " + world);
          }
          rowsPerRank = rows;
          batches.forEach(b -> Arrays.stream(b).forEach(i -> seen[(int) i]++));
          assertEquals(epoch + 1, loader.state().epoch(), "a finished epoch moves to the next");
        }
        long missing = Arrays.stream(seen).filter(c -> c == 0).count();
        long repeated = Arrays.stream(seen).filter(c -> c > 1).count();
        if (dropLast) {
          assertEquals(0, repeated, "drop-last never repeats a row");
        } else {
          assertEquals(0, missing, "every row is read, world " + world);
          if (world == 1) {
            assertEquals(0, repeated, "one rank reads each row exactly once");
          }
        }
      }
    }
  }

  @Test
  void resume_atEveryStep_yieldsExactlyTheRemainingBatches() {
    for (Function<LoaderBuilder, LoaderBuilder> config : configurations(42)) {
      for (int world : new int[] {1, 3}) {
        Loader whole = config.apply(Loader.newBuilder(split).epoch(1).shard(world - 1, world)).build();
        List<long[]> uninterrupted = plan(whole);
        Loader stepping = config.apply(Loader.newBuilder(split).epoch(1).shard(world - 1, world)).build();
        Iterator<TrainingBatch> it = stepping.plan();
        for (int k = 0; k < uninterrupted.size(); k++) {
          LoaderState saved = LoaderState.fromJson(stepping.state().toJson());
          List<long[]> rest = plan(Loader.newBuilder(split).resume(saved).build());
          List<long[]> expected = uninterrupted.subList(k, uninterrupted.size());
          assertEquals(expected.size(), rest.size(), "step " + k);
          for (int i = 0; i < rest.size(); i++) {
            assertArrayEquals(expected.get(i), rest.get(i), "step " + k + " batch " + i);
          }
          it.next();
        }
        assertTrue(!it.hasNext());
        assertEquals(2, stepping.state().epoch(), "after the last batch: the next epoch");
        assertEquals(0, stepping.state().step());
      }
    }
  }

  @Test
  void resume_onOtherWorldSize_neitherRepeatsNorSkipsARow() {
    for (Function<LoaderBuilder, LoaderBuilder> config : configurations(7)) {
      int before = 4;
      int[] seen = new int[(int) split.size()];
      LoaderState checkpoint = null;
      for (int rank = 0; rank < before; rank++) {
        Loader loader = config.apply(Loader.newBuilder(split).shard(rank, before)).build();
        Iterator<TrainingBatch> it = loader.plan();
        for (int step = 0; step < 5; step++) {
          Arrays.stream(it.next().indices()).forEach(i -> seen[(int) i]++);
        }
        checkpoint = loader.state();
      }
      int after = 3;
      for (int rank = 0; rank < after; rank++) {
        Loader resumed = Loader.newBuilder(split).resume(checkpoint).shard(rank, after).build();
        for (long[] batch : plan(resumed)) {
          Arrays.stream(batch).forEach(i -> seen[(int) i]++);
        }
      }
      boolean dropLast = checkpoint.dropLast();
      long missing = Arrays.stream(seen).filter(c -> c == 0).count();
      long repeats = Arrays.stream(seen).filter(c -> c > 1).map(c -> c - 1).sum();
      if (dropLast) {
        assertEquals(0, repeats, "drop-last: nothing read twice");
      } else {
        assertEquals(0, missing, "every row read");
        // Repeats come only from padding: the last round (fewer than `after` batches) and the
        // filling of the last, partial batch (fewer than a batch of rows).
        long maxBatchRows = checkpoint.batchSize() > 0 ? checkpoint.batchSize() : split.size();
        assertTrue(
            repeats <= (after - 1) * maxBatchRows + maxBatchRows - 1,
            "repeats: " + repeats + " " + checkpoint);
      }
    }
  }

  @Test
  void iterator_rowsMatchPlanAndCollate() {
    try (Loader loader = Loader.newBuilder(split).shuffle(3).batchSize(8).build();
        Loader planner = Loader.newBuilder(split).shuffle(3).batchSize(8).build()) {
      Iterator<TrainingBatch> plan = planner.plan();
      int checked = 0;
      for (TrainingBatch batch : loader) {
        long[] indices = plan.next().indices();
        assertArrayEquals(indices, batch.indices());
        assertEquals(indices.length, batch.size());
        for (int r = 0; r < batch.size(); r++) {
          assertEquals(indices[r], batch.rows().get(r).getLong("id"));
        }
        Padded tokens = batch.tokens("input_ids");
        int longest =
            batch.rows().stream().mapToInt(r -> r.getIntArray("input_ids").length).max().orElse(0);
        assertEquals(longest, tokens.width());
        for (int r = 0; r < batch.size(); r++) {
          int[] ids = batch.rows().get(r).getIntArray("input_ids");
          assertEquals(ids.length, tokens.lengths()[r]);
          for (int c = 0; c < tokens.width(); c++) {
            assertEquals(c < ids.length ? ids[c] : 0, tokens.value(r, c));
            assertEquals(c < ids.length ? 1 : 0, tokens.mask()[r * tokens.width() + c]);
          }
          float[] hot = batch.multiHot("labels")[r];
          assertEquals(6, hot.length);
          List<Object> labels = batch.rows().get(r).getList("labels");
          for (int k = 0; k < 6; k++) {
            assertEquals(labels.contains((long) k) ? 1f : 0f, hot[k]);
          }
        }
        assertArrayEquals(indices, batch.longs("id"));
        if (++checked == 40) {
          break;
        }
      }
      Padded truncated =
          Loader.newBuilder(split).batchSize(4).build().iterator().next().tokens("input_ids", 2, -1);
      assertTrue(truncated.width() <= 2);
    }
  }

  @Test
  void prefetch_givesTheSameBatchesAndStopsItsThreads() {
    List<long[]> plain = new ArrayList<>();
    for (TrainingBatch b : Loader.newBuilder(split).blockShuffle(5, 2).batchSize(64).build()) {
      plain.add(b.indices());
    }
    List<long[]> fetched = new ArrayList<>();
    try (Loader loader = Loader.newBuilder(split).blockShuffle(5, 2).batchSize(64).prefetch(4, 2).build()) {
      for (TrainingBatch b : loader) {
        fetched.add(b.indices());
      }
      assertTrue(prefetchThreads() > 0);
    }
    assertEquals(0, prefetchThreads(), "close() stops every prefetch thread");
    assertEquals(plain.size(), fetched.size());
    for (int i = 0; i < plain.size(); i++) {
      assertArrayEquals(plain.get(i), fetched.get(i));
    }
  }

  @Test
  void prefetch_failureReachesTheConsumer() throws IOException {
    Path copy = Fixtures.copyTree(dataset.path(), tmp.resolve("broken"));
    try (LazyDataset ds = LazyDataset.open(copy);
        Loader loader = Loader.newBuilder(ds.split("train")).batchSize(100).prefetch(3).build()) {
      Path shard = copy.resolve("train/part-00000.arrow");
      Files.write(shard, new byte[(int) Files.size(shard)]);
      Iterator<TrainingBatch> it = loader.iterator();
      LazyArrowException e = assertThrows(LazyArrowException.class, it::next);
      assertEquals(shard, e.file());
    }
    assertEquals(0, prefetchThreads());
  }

  @Test
  void curriculum_firstEpochsEasyFirstThenConfiguredOrder() {
    Loader loader =
        Loader.newBuilder(split)
            .shuffle(1)
            .curriculum("input_ids", 2)
            .pacing(Pacing.LINEAR, 0.5)
            .batchSize(50)
            .build();
    List<Integer> lengths = new ArrayList<>();
    for (TrainingBatch b : loader) {
      b.rows().forEach(r -> lengths.add(r.getIntArray("input_ids").length));
    }
    assertEquals((int) Math.ceil(0.75 * split.size()), lengths.size(), "epoch 0 covers 75%");
    for (int i = 1; i < lengths.size(); i++) {
      assertTrue(lengths.get(i - 1) <= lengths.get(i), "easy first at " + i);
    }
    long epoch1 = 0;
    for (TrainingBatch b : loader) {
      epoch1 += b.size();
    }
    assertEquals(split.size(), epoch1, "the last curriculum epoch covers every row");
    List<Long> epoch2 = new ArrayList<>();
    for (TrainingBatch b : loader) {
      b.rows().forEach(r -> epoch2.add(r.index()));
    }
    assertEquals(split.size(), epoch2.size());
    assertTrue(!isSorted(epoch2), "after the curriculum, the configured shuffle");
  }

  @Test
  void builder_misuse_isRefusedWithTheRule() {
    assertEquals(
        "batch size must be positive: 0",
        assertThrows(IllegalArgumentException.class, () -> Loader.newBuilder(split).batchSize(0))
            .getMessage());
    assertEquals(
        "batch size and token budget exclude each other",
        assertThrows(
                IllegalStateException.class,
                () -> Loader.newBuilder(split).batchSize(4).tokenBudget(10, "input_ids"))
            .getMessage());
    assertEquals(
        "order was already set to shuffle",
        assertThrows(
                IllegalStateException.class, () -> Loader.newBuilder(split).shuffle(1).blockShuffle(1, 2))
            .getMessage());
    LoaderState state = Loader.newBuilder(split).batchSize(3).build().state();
    assertEquals(
        "batch size cannot be set after resume; the state holds it",
        assertThrows(IllegalStateException.class, () -> Loader.newBuilder(split).resume(state).batchSize(3))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Loader.newBuilder(dataset
                .split("train"))
                .resume(
                    new LoaderState(
                        1,
                        5,
                        0,
                        0,
                        0,
                        "sequential",
                        0,
                        0,
                        1,
                        false,
                        1,
                        0,
                        null,
                        false,
                        0,
                        null,
                        0,
                        Pacing.NONE,
                        1,
                        null)));
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> LoaderState.fromJson(state.toJson().replace("\"version\":1", "\"version\":9")));
    assertTrue(bad.getMessage().contains("unsupported loader state version 9"), bad.getMessage());
  }

  private static boolean isSorted(List<Long> values) {
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i - 1) > values.get(i)) {
        return false;
      }
    }
    return true;
  }

  private static long prefetchThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("lazyarrow-prefetch") && t.isAlive())
        .count();
  }
}
