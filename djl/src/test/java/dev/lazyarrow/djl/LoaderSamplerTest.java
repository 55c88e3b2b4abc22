package dev.lazyarrow.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Pipeline;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.Padded;
import dev.lazyarrow.loader.TrainingBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batches DJL iterates through a {@link LoaderSampler}, with DJL's prefetch on an executor. */
class LoaderSamplerTest {
  @TempDir static Path tmp;
  private static ConvertedEmotion emotion;
  private static NDManager manager;
  private static ExecutorService executor;
  private static Split train;
  private static Split validation;

  @BeforeAll
  static void open() throws Exception {
    executor = Executors.newFixedThreadPool(4);
    emotion = new ConvertedEmotion(tmp.resolve("emotion"));
    manager = emotion.manager;
    train = emotion.train;
    validation = emotion.validation;
  }

  @AfterAll
  static void close() {
    executor.shutdownNow();
    emotion.close();
  }

  @Test
  void sample_shardedAcrossRanks_coversEachRowOncePerEpoch() throws Exception {
    int world = 3;
    int[][] seen = new int[2][(int) train.size()];
    for (int rank = 0; rank < world; rank++) {
      int r = rank;
      List<List<Long>> batches = epochs(2, l -> l.shuffle(5).shard(r, world).batchSize(8));
      assertEquals(2 * 6000 / 8 / world, batches.size());
      for (int b = 0; b < batches.size(); b++) {
        for (long row : batches.get(b)) {
          seen[b < batches.size() / 2 ? 0 : 1][(int) row]++;
        }
      }
    }
    for (int[] epoch : seen) {
      for (int row = 0; row < epoch.length; row++) {
        assertEquals(1, epoch[row], "row " + row);
      }
    }
  }

  @Test
  void sample_tokenBudgetOnRanks_keepsEveryBatchWithinItAndCoversEveryRow() throws Exception {
    int[] lengths = new int[(int) train.size()];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = train.get(i).getIntArray("input_ids").length;
    }
    boolean[] seen = new boolean[lengths.length];
    for (int rank = 0; rank < 2; rank++) {
      int r = rank;
      try (LazyArrowDataset ds =
          dataset(l -> l.shuffle(9).shard(r, 2).tokenBudget(512, "input_ids"))) {
        for (List<Long> batch : iterate(ds)) {
          long tokens = batch.stream().mapToLong(i -> lengths[(int) (long) i]).sum();
          assertTrue(tokens <= 512 || batch.size() == 1, tokens + " tokens in " + batch);
          batch.forEach(i -> seen[(int) (long) i] = true);
        }
      }
    }
    for (int row = 0; row < seen.length; row++) {
      assertTrue(seen[row], "row " + row);
    }
  }

  @Test
  void stateAfter_resumedMidEpoch_continuesAsTheUninterruptedRun() throws Exception {
    UnaryOperator<LoaderBuilder> plan =
        l -> l.blockShuffle(3, 2).shard(1, 2).tokenBudget(700, "input_ids");
    List<List<Long>> whole = epochs(2, plan);

    List<List<Long>> interrupted = new ArrayList<>();
    String checkpoint = null;
    try (LazyArrowDataset ds = dataset(plan)) {
      // DJL has read batches ahead when the run stops: they are drained, closed and not trained.
      for (Batch batch : ds.getData(manager, executor)) {
        try (batch) {
          if (checkpoint == null) {
            interrupted.add(batch.getIndices().stream().map(i -> (Long) i).toList());
            if (interrupted.size() == 37) {
              checkpoint = LoaderSampler.stateAfter(batch).toJson();
            }
          }
        }
      }
    }
    LoaderState state = LoaderState.fromJson(checkpoint);
    assertEquals(0, state.epoch());
    assertEquals(2 * 37, state.step(), "global batches of both ranks");
    try (LazyArrowDataset ds = dataset(l -> l.resume(state))) {
      while (interrupted.size() < whole.size()) {
        interrupted.addAll(iterate(ds));
      }
    }
    assertEquals(whole, interrupted);
    assertNotEquals(whole.subList(0, 10), whole.subList(whole.size() / 2, whole.size() / 2 + 10));
  }

  @Test
  void getBatchSize_tokenBudget_isUnfixed() {
    try (LoaderSampler budget =
            new LoaderSampler(Loader.newBuilder(train).tokenBudget(9, "input_ids").build());
        LoaderSampler fixed = new LoaderSampler(Loader.newBuilder(train).batchSize(9).build())) {
      assertEquals(-1, budget.getBatchSize());
      assertEquals(9, fixed.getBatchSize());
      assertEquals(667, fixed.batchesPerEpoch());
    }
  }

  @Test
  void sample_limitedDataset_isRefused() {
    try (LazyArrowDataset ds =
        LazyArrowDataset.builder()
            .setSplit(train)
            .addData("input_ids")
            .setSampling(l -> l.batchSize(4))
            .optLimit(100)
            .build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ds.getData(manager));
      assertEquals(
          "the loader plans a split of 6000 rows; the dataset must have as many (no optLimit),"
              + " found 100",
          e.getMessage());
    }
  }

  @Test
  void stateAfter_batchOfAnotherSampler_isRefused() throws Exception {
    try (LazyArrowDataset ds =
        LazyArrowDataset.builder()
            .setSplit(train)
            .addData("input_ids")
            .setSampling(4, false)
            .build()) {
      Batch batch = ds.getData(manager).iterator().next();
      try (batch) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> LoaderSampler.stateAfter(batch));
        assertTrue(e.getMessage().startsWith("the batch was not sampled by a LoaderSampler"));
      }
    }
  }

  @Test
  void getData_mixtureOfTwoSplits_givesTheLoadersRowsInOrderWithTheirSources() throws Exception {
    Mixture mixture = mixture();
    UnaryOperator<LoaderBuilder> plan = l -> l.shuffle(6).shard(1, 2).batchSize(16);
    int batches = 0;
    boolean bothSources = false;
    try (LazyArrowDataset ds = mixed(mixture, plan);
        Loader loader = plan.apply(Loader.newBuilder(mixture)).build()) {
      assertEquals(train.size() + validation.size(), ds.size());
      Iterator<TrainingBatch> expected = loader.iterator();
      for (Batch batch : ds.getData(manager, executor)) {
        try (batch) {
          TrainingBatch want = expected.next();
          int[] sources = want.sources();
          long[] rows = want.indices();
          for (int i = 0; i < rows.length; i++) {
            long run = sources[i] == 0 ? rows[i] : train.size() + rows[i];
            assertEquals(run, batch.getIndices().get(i), "batch " + batches + " row " + i);
          }
          assertArrayEquals(sources, LoaderSampler.sources(batch));
          Padded ids = want.tokens("input_ids");
          NDArray got = batch.getData().get("input_ids");
          assertEquals(new Shape(ids.rows(), ids.width()), got.getShape());
          assertArrayEquals(widen(ids.values()), got.toLongArray(), "batch " + batches);
          bothSources |= Arrays.stream(sources).distinct().count() == 2;
          batches++;
        }
      }
      assertFalse(expected.hasNext());
      assertEquals(loader.batchesPerEpoch(), batches);
      long last = validation.size() - 1;
      try (NDManager row = manager.newSubManager()) {
        long[] ids = ds.get(row, train.size() + last).getData().get("input_ids").toLongArray();
        assertArrayEquals(widen(validation.get(last).getIntArray("input_ids")), ids);
      }
    }
    assertTrue(bothSources, "a batch mixes both sources");
  }

  @Test
  void stateAfter_mixtureResumedMidEpoch_continuesAsTheUninterruptedRun() throws Exception {
    Mixture mixture = mixture();
    UnaryOperator<LoaderBuilder> plan = l -> l.shuffle(8).batchSize(24);
    List<List<Long>> whole = new ArrayList<>();
    try (LazyArrowDataset ds = mixed(mixture, plan)) {
      for (int e = 0; e < 2; e++) {
        whole.addAll(iterate(ds));
      }
    }
    List<List<Long>> interrupted = new ArrayList<>();
    String checkpoint = null;
    try (LazyArrowDataset ds = mixed(mixture, plan)) {
      for (Batch batch : ds.getData(manager, executor)) {
        try (batch) {
          if (checkpoint == null) {
            interrupted.add(batch.getIndices().stream().map(i -> (Long) i).toList());
            if (interrupted.size() == 100) {
              checkpoint = LoaderSampler.stateAfter(batch).toJson();
            }
          }
        }
      }
    }
    LoaderState state = LoaderState.fromJson(checkpoint);
    assertEquals(2, state.mixture().sources().size());
    try (LazyArrowDataset ds = mixed(mixture, l -> l.resume(state))) {
      while (interrupted.size() < whole.size()) {
        interrupted.addAll(iterate(ds));
      }
    }
    assertEquals(whole, interrupted);
  }

  @Test
  void getData_mixtureThroughDjlsPerRowPath_equalsTheCollatedBatches() throws Exception {
    UnaryOperator<LoaderBuilder> plan = l -> l.shuffle(3).batchSize(10);
    int batches = 0;
    try (LazyArrowDataset whole = mixed(mixture(), plan, null);
        LazyArrowDataset perRow = mixed(mixture(), plan, new Pipeline())) {
      Iterator<Batch> collated = whole.getData(manager, executor).iterator();
      for (Batch expected : perRow.getData(manager)) {
        try (expected;
            Batch actual = collated.next()) {
          assertEquals(expected.getIndices(), actual.getIndices());
          LazyArrowDatasetTest.assertLists(expected.getData(), actual.getData());
          LazyArrowDatasetTest.assertLists(expected.getLabels(), actual.getLabels());
          batches++;
        }
      }
      assertFalse(collated.hasNext());
    }
    // The epoch ends when validation's 1,000 rows, a quarter of the positions, are drawn once.
    assertEquals(400, batches, "4,000 positions, 10 a batch");
  }

  @Test
  void build_mixtureSampledByDjl_isRefused() {
    LazyArrowDataset.Builder builder =
        LazyArrowDataset.builder().setMixture(mixture()).addData("input_ids").setSampling(8, true);
    IllegalStateException e = assertThrows(IllegalStateException.class, builder::build);
    assertTrue(e.getMessage().startsWith("a mixture's batches come from its loader"));
  }

  @Test
  void sample_mixtureOfOtherSourcesWithTheSameRows_isRefused() {
    Mixture swapped = Mixture.newBuilder().add(validation, 1).add(train, 3).build();
    try (LoaderSampler sampler =
            new LoaderSampler(Loader.newBuilder(swapped).batchSize(4).build());
        LazyArrowDataset ds =
            LazyArrowDataset.builder()
                .setMixture(mixture())
                .addData("input_ids")
                .setSampling(sampler)
                .build()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ds.getData(manager));
      assertEquals(
          "the loader plans the rows of the sources [validation (1000 rows), train (6000 rows)];"
              + " the dataset reads [train (6000 rows), validation (1000 rows)]",
          e.getMessage());
    }
  }

  /** Returns emotion's train and validation splits, weighted 3 to 1. */
  private static Mixture mixture() {
    return Mixture.newBuilder().add(train, 3).add(validation, 1).build();
  }

  private static LazyArrowDataset mixed(Mixture mixture, UnaryOperator<LoaderBuilder> plan) {
    return mixed(mixture, plan, null);
  }

  /** Returns a dataset over {@code mixture}, read row by row through {@code pipeline} if set. */
  private static LazyArrowDataset mixed(
      Mixture mixture, UnaryOperator<LoaderBuilder> plan, Pipeline pipeline) {
    return LazyArrowDataset.builder()
        .setMixture(mixture)
        .addData("input_ids")
        .addLabels("labels")
        .setSampling(plan)
        .optPipeline(pipeline)
        .optPrefetchNumber(3)
        .build();
  }

  private static long[] widen(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  /** Returns the batches of {@code epochs} epochs of a fresh dataset sampled by {@code plan}. */
  private static List<List<Long>> epochs(int epochs, UnaryOperator<LoaderBuilder> plan)
      throws Exception {
    List<List<Long>> batches = new ArrayList<>();
    try (LazyArrowDataset ds = dataset(plan)) {
      for (int e = 0; e < epochs; e++) {
        batches.addAll(iterate(ds));
      }
    }
    return batches;
  }

  /** Runs one {@code getData} iteration, as {@code trainer.iterateDataset} does, to its end. */
  private static List<List<Long>> iterate(LazyArrowDataset ds) throws Exception {
    List<List<Long>> batches = new ArrayList<>();
    for (Batch batch : ds.getData(manager, executor)) {
      try (batch) {
        assertEquals(batch.getSize(), batch.getData().get("input_ids").getShape().get(0));
        batches.add(batch.getIndices().stream().map(i -> (Long) i).toList());
      }
    }
    return batches;
  }

  private static LazyArrowDataset dataset(UnaryOperator<LoaderBuilder> plan) {
    return LazyArrowDataset.builder()
        .setSplit(train)
        .addData("input_ids")
        .addLabels("labels")
        .setSampling(plan)
        .optPrefetchNumber(3)
        .build();
  }
}
