package dev.lazyarrow.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.loader.LoaderState;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmotionTrainerTest {
  @TempDir static Path tmp;

  private static LazyDataset dataset;
  private static final EmotionTrainer.Settings SETTINGS = EmotionTrainer.Settings.defaults();

  @BeforeAll
  static void convert() throws Exception {
    Path out = tmp.resolve("emotion");
    Converter.newBuilder().build().convert(Path.of("samples/data/emotion"), out);
    dataset = LazyDataset.open(out);
  }

  @AfterAll
  static void close() {
    dataset.close();
  }

  @Test
  void run_threeEpochs_beatsTheUntrainedModelOnPrecisionAtK() {
    EmotionTrainer trainer = new EmotionTrainer(dataset, SETTINGS);
    RankingMetrics untrained = trainer.evaluate(trainer.model());
    List<EmotionTrainer.EpochReport> reports = trainer.run(Long.MAX_VALUE, (e, b, n, loss) -> {});
    assertEquals(3, reports.size());
    EmotionTrainer.EpochReport last = reports.get(2);
    assertTrue(
        last.precisionAtK() > untrained.precision() + 0.2,
        "precision@2: untrained " + untrained.precision() + ", trained " + last.precisionAtK());
    assertTrue(last.recallAtK() > untrained.recall() + 0.2);
    assertTrue(reports.get(2).loss() < reports.get(0).loss(), "the loss falls epoch after epoch");
  }

  @Test
  void run_resumedFromMidEpochCheckpoint_endsWithTheSameModel() {
    EmotionTrainer whole = new EmotionTrainer(dataset, SETTINGS);
    whole.run(Long.MAX_VALUE, (e, b, n, loss) -> {});

    EmotionTrainer first = new EmotionTrainer(dataset, SETTINGS);
    long stop = first.batchesPerEpoch() * 3 / 2; // half-way through epoch 1
    first.run(stop, (e, b, n, loss) -> {});
    LoaderState checkpoint = LoaderState.fromJson(first.state().toJson());
    assertEquals(1, checkpoint.epoch());
    assertTrue(checkpoint.step() > 0);
    assertFalse(first.model().sameWeights(whole.model()));

    EmotionTrainer resumed = new EmotionTrainer(dataset, SETTINGS, first.model(), checkpoint);
    resumed.run(Long.MAX_VALUE, (e, b, n, loss) -> {});
    assertTrue(resumed.model().sameWeights(whole.model()), "bit-for-bit the same weights");
    assertEquals(3, resumed.state().epoch());
  }

  @Test
  void topK_tiesGoToTheLowerLabel() {
    RankingMetrics metrics = new RankingMetrics(2);
    assertArrayEquals(new int[] {3, 0}, metrics.topK(new float[] {0.5f, 0.5f, 0.1f, 0.9f}));
    metrics.add(new float[] {0.9f, 0.8f, 0.1f}, List.of(0L));
    assertEquals(0.5, metrics.precision());
    assertEquals(1.0, metrics.recall());
  }
}
