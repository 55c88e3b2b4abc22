package dev.lazyarrow.djl.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Converter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmotionClassifierTest {
  private static final EmotionClassifier.Settings TWO_EPOCHS =
      new EmotionClassifier.Settings(7, 2, 1024, 0.3f, 4096);

  @TempDir static Path tmp;
  private static LazyDataset dataset;

  @BeforeAll
  static void convert() throws Exception {
    Path out = tmp.resolve("emotion");
    Converter.newBuilder().build().convert(Path.of("../samples/data/emotion"), out);
    dataset = LazyDataset.open(out);
  }

  @AfterAll
  static void close() {
    dataset.close();
  }

  @Test
  void run_twoEpochs_raisesPrecisionAtTwoOnValidation() throws Exception {
    try (EmotionClassifier run = new EmotionClassifier(dataset, TWO_EPOCHS, null)) {
      RankingMetrics untrained = run.evaluate();
      List<EmotionClassifier.EpochReport> reports = run.run(Long.MAX_VALUE, null);
      assertEquals(2, reports.size());
      RankingMetrics trained = reports.get(1).metrics();
      assertTrue(
          trained.precision() > untrained.precision() + 0.2,
          "precision@2: untrained " + untrained.precision() + ", trained " + trained.precision());
      assertTrue(trained.recall() > untrained.recall() + 0.2);
      assertTrue(reports.get(1).loss() < reports.get(0).loss(), "the loss falls");
    }
  }

  @Test
  void run_resumedFromMidEpochCheckpoint_endsWithTheSameModel() throws Exception {
    List<float[]> whole;
    try (EmotionClassifier run = new EmotionClassifier(dataset, TWO_EPOCHS, null)) {
      run.run(Long.MAX_VALUE, null);
      whole = run.parameters();
    }
    Path checkpoint = tmp.resolve("checkpoint");
    try (EmotionClassifier first = new EmotionClassifier(dataset, TWO_EPOCHS, null)) {
      assertEquals(0, first.run(first.batchesPerEpoch() / 2, checkpoint).size());
    }
    try (EmotionClassifier resumed = new EmotionClassifier(dataset, TWO_EPOCHS, checkpoint)) {
      assertEquals(2, resumed.run(Long.MAX_VALUE, null).size(), "the rest of epoch 0, then 1");
      List<float[]> after = resumed.parameters();
      for (int i = 0; i < whole.size(); i++) {
        assertArrayEquals(whole.get(i), after.get(i), "bit for bit, parameter " + i);
      }
    }
  }
}
