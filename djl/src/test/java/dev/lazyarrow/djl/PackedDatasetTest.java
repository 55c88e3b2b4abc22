package dev.lazyarrow.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.PackedLoaderBuilder;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packed batches DJL iterates through a {@link PackedDataset}, on the PyTorch engine. */
class PackedDatasetTest {
  private static final int SEQ_LEN = 48;
  private static final int EOD = 102;

  @TempDir static Path tmp;
  private static ConvertedEmotion emotion;
  private static NDManager manager;
  private static Split train;
  private static Split validation;

  @BeforeAll
  static void open() throws Exception {
    emotion = new ConvertedEmotion(tmp.resolve("emotion"));
    manager = emotion.manager;
    train = emotion.train;
    validation = emotion.validation;
  }

  @AfterAll
  static void close() {
    emotion.close();
  }

  @Test
  void getData_binsWithEodMask_equalsThePackedLoadersArrays() {
    Function<LoaderBuilder, PackedLoaderBuilder> packing =
        l -> l.shuffle(3).batchSize(5).prefetch(2).pack(SEQ_LEN, "input_ids").eod(EOD)
            .eodMaskLoss().firstFit(50);
    try (PackedDataset ds = dataset(packing);
        PackedLoader loader = packing.apply(Loader.newBuilder(train)).build()) {
      long perEpoch = loader.batchesPerEpoch();
      int batches = assertEpochEqualsTheLoaders(ds, loader, (want, got) -> {});
      assertEquals(perEpoch, batches);
      assertTrue(batches > 100, "batches: " + batches);
    }
  }

  @Test
  void getData_batchKeptWhileLaterOnesAreRead_keepsItsValues() {
    Function<LoaderBuilder, PackedLoaderBuilder> packing =
        l -> l.shuffle(4).batchSize(3).prefetch(2).pack(SEQ_LEN, "input_ids");
    List<int[]> expected = new ArrayList<>();
    try (PackedLoader loader = packing.apply(Loader.newBuilder(train)).build()) {
      Iterator<PackedBatch> batches = loader.iterator();
      for (int b = 0; b < 6; b++) {
        expected.add(values(batches.next().tokens()));
      }
    }
    List<Batch> kept = new ArrayList<>();
    try (PackedDataset ds = dataset(packing)) {
      Iterator<Batch> batches = ds.getData(manager).iterator();
      for (int b = 0; b < 6; b++) {
        kept.add(batches.next());
      }
      for (int b = 0; b < 6; b++) {
        int[] tokens = expected.get(b);
        int[] inputs = inputs(kept.get(b));
        for (int i = 0; i < 3; i++) {
          for (int t = 0; t < SEQ_LEN; t++) {
            assertEquals(tokens[i * (SEQ_LEN + 1) + t], inputs[i * SEQ_LEN + t], "batch " + b);
          }
        }
      }
    } finally {
      kept.forEach(Batch::close);
    }
  }

  @Test
  void iterateDataset_trainingWithDjlsTrainer_lowersTheMaskedLoss() throws Exception {
    NextTokenBlock block = new NextTokenBlock(256, 8);
    try (PackedDataset ds = dataset(l -> l.batchSize(4).pack(SEQ_LEN, "input_ids").eod(EOD));
        Model model = Model.newInstance("next-token")) {
      model.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(block.loss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.5f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        Shape shape = new Shape(4, SEQ_LEN);
        trainer.initialize(shape, shape, shape);
        Float first = null;
        float last = 0;
        int steps = 0;
        for (Batch batch : trainer.iterateDataset(ds)) {
          try (batch) {
            if (steps++ < 40) {
              last = loss(trainer, batch);
              first = first == null ? last : first;
              EasyTrain.trainBatch(trainer, batch);
              trainer.step();
            }
          }
        }
        assertTrue(Float.isFinite(first), "first loss: " + first);
        assertTrue(last < first - 0.5f, "loss " + first + " -> " + last);
        assertEquals(1, ds.state().epoch(), "the epoch was drained");
      }
    }
  }

  @Test
  void stateAfter_resumedMidEpoch_givesTheSameRemainingBatches() {
    List<int[]> whole =
        assertResumedRunEqualsTheWhole(
            PackedDatasetTest::dataset,
            l -> l.shuffle(9).shard(1, 2).batchSize(6).pack(SEQ_LEN, "input_ids").eod(EOD),
            23);
    assertNotEquals(whole.get(0)[0], whole.get(1)[0], "the batches differ");
  }

  @Test
  void getData_packedMixture_equalsThePackedLoadersArraysAndSources() {
    Mixture mixture = Mixture.newBuilder().add(train, 2).add(validation, 1).build();
    Function<LoaderBuilder, PackedLoaderBuilder> packing =
        l -> l.shuffle(7).batchSize(4).prefetch(2).pack(SEQ_LEN, "input_ids").eod(EOD);
    int[] perSource = new int[2];
    try (PackedDataset ds = mixed(mixture, packing);
        PackedLoader loader = packing.apply(Loader.newBuilder(mixture)).build()) {
      assertEpochEqualsTheLoaders(
          ds,
          loader,
          (want, got) -> {
            int[] sources = PackedDataset.sources(got);
            for (int i = 0; i < want.size(); i++) {
              for (PackedBatch.Span span : want.spans(i)) {
                assertEquals(span.source(), sources[i], "sample " + want.sample(i));
              }
              perSource[sources[i]]++;
            }
          });
    }
    // Blended 2 to 1, within one sample.
    assertTrue(Math.abs(perSource[0] - 2 * perSource[1]) <= 3, Arrays.toString(perSource));
  }

  @Test
  void stateAfter_packedMixtureResumedMidEpoch_givesTheSameRemainingBatches() {
    Mixture mixture = Mixture.newBuilder().add(validation, 1).add(train, 1).sample(5).build();
    assertResumedRunEqualsTheWhole(
        packing -> mixed(mixture, packing),
        l -> l.shuffle(2).batchSize(5).pack(SEQ_LEN, "input_ids").eod(EOD),
        31);
  }

  @Test
  void stateAfter_batchFromElsewhere_isRefused() {
    try (NDManager own = manager.newSubManager()) {
      Batch foreign =
          new Batch(own, new NDList(), new NDList(), 0, Batchifier.STACK, Batchifier.STACK, 0, 0);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> PackedDataset.stateAfter(foreign));
      assertTrue(e.getMessage().contains("indices are missing"), e.getMessage());
    }
  }

  @Test
  void build_withoutPacking_isRefused() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> PackedDataset.builder().setSplit(train).build());
    assertTrue(e.getMessage().contains("set the packing"), e.getMessage());
  }

  private static PackedDataset dataset(Function<LoaderBuilder, PackedLoaderBuilder> packing) {
    return PackedDataset.builder().setSplit(train).setPacking(packing).build();
  }

  /**
   * Asserts that the rest of {@code ds}'s epoch has the arrays and states of {@code loader}'s, an
   * identically built loader, runs {@code check} on each pair of batches and returns their number.
   */
  private static int assertEpochEqualsTheLoaders(
      PackedDataset ds, PackedLoader loader, BiConsumer<PackedBatch, Batch> check) {
    Iterator<PackedBatch> expected = loader.iterator();
    int batches = 0;
    for (Batch batch : ds.getData(manager)) {
      try (batch) {
        PackedBatch want = expected.next();
        assertBatchEquals(want, batch);
        assertEquals(loader.state(), PackedDataset.stateAfter(batch));
        check.accept(want, batch);
        batches++;
      }
    }
    assertFalse(expected.hasNext());
    return batches;
  }

  /**
   * Asserts that a run of the datasets {@code open} makes with {@code packing}, stopped after
   * {@code stop} batches and resumed from its checkpoint, gives the batches of the uninterrupted
   * epoch, and returns those.
   */
  private static List<int[]> assertResumedRunEqualsTheWhole(
      Function<Function<LoaderBuilder, PackedLoaderBuilder>, PackedDataset> open,
      Function<LoaderBuilder, PackedLoaderBuilder> packing,
      int stop) {
    List<int[]> whole = new ArrayList<>();
    try (PackedDataset ds = open.apply(packing)) {
      for (Batch batch : ds.getData(manager)) {
        try (batch) {
          whole.add(inputs(batch));
        }
      }
    }
    List<int[]> interrupted = new ArrayList<>();
    LoaderState checkpoint = null;
    try (PackedDataset ds = open.apply(packing)) {
      for (Batch batch : ds.getData(manager)) {
        try (batch) {
          interrupted.add(inputs(batch));
          if (interrupted.size() == stop) {
            checkpoint = PackedDataset.stateAfter(batch);
            break;
          }
        }
      }
    }
    LoaderState state = LoaderState.fromJson(checkpoint.toJson());
    try (PackedDataset ds = open.apply(l -> l.resume(state).pack(SEQ_LEN, "input_ids").eod(EOD))) {
      for (Batch batch : ds.getData(manager)) {
        try (batch) {
          interrupted.add(inputs(batch));
        }
      }
    }
    assertEquals(whole.size(), interrupted.size());
    for (int b = 0; b < whole.size(); b++) {
      assertArrayEquals(whole.get(b), interrupted.get(b), "batch " + b);
    }
    return whole;
  }

  private static PackedDataset mixed(
      Mixture mixture, Function<LoaderBuilder, PackedLoaderBuilder> packing) {
    return PackedDataset.builder().setMixture(mixture).setPacking(packing).build();
  }

  /** Returns the model's loss on {@code batch} before training on it. */
  private static float loss(Trainer trainer, Batch batch) {
    NDList predictions = trainer.evaluate(batch.getData());
    try (NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), predictions)) {
      return loss.getFloat();
    } finally {
      predictions.close();
    }
  }

  private static void assertBatchEquals(PackedBatch want, Batch got) {
    int size = want.size();
    Shape shape = new Shape(size, SEQ_LEN);
    NDList data = got.getData();
    NDList labels = got.getLabels();
    assertEquals(size, got.getSize());
    for (NDArray a : List.of(data.get(0), data.get(1), data.get(2), labels.get(0))) {
      assertEquals(shape, a.getShape(), a.getName());
      assertEquals(DataType.INT32, a.getDataType(), a.getName());
    }
    assertEquals(DataType.FLOAT32, labels.get("loss_mask").getDataType());
    int[] inputs = new int[size * SEQ_LEN];
    int[] targets = new int[size * SEQ_LEN];
    for (int i = 0; i < size; i++) {
      want.inputs(i).get(inputs, i * SEQ_LEN, SEQ_LEN);
      want.labels(i).get(targets, i * SEQ_LEN, SEQ_LEN);
    }
    assertArrayEquals(inputs, data.get("input_ids").toIntArray());
    assertArrayEquals(values(want.positionIds()), data.get("position_ids").toIntArray());
    assertArrayEquals(values(want.segmentIds()), data.get("segment_ids").toIntArray());
    assertArrayEquals(targets, labels.get("labels").toIntArray());
    int[] mask = values(want.lossMask());
    float[] floats = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      floats[i] = mask[i];
    }
    assertArrayEquals(floats, labels.get("loss_mask").toFloatArray());
    for (int i = 0; i < size; i++) {
      assertEquals(want.sample(i), got.getIndices().get(i));
    }
  }

  private static int[] values(IntBuffer buffer) {
    int[] out = new int[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static int[] inputs(Batch batch) {
    return batch.getData().get("input_ids").toIntArray();
  }
}
