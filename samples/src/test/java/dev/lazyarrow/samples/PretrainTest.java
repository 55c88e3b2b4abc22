package dev.lazyarrow.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pretraining sample on the bundled emotion data: its loss falls, and it resumes exactly. */
class PretrainTest {
  /** Steps of a run: more than an epoch's 293 batches, so runs cross into the second epoch. */
  private static final int STEPS = 300;

  private static final Pretrain.Settings SETTINGS = Pretrain.Settings.defaults();

  @TempDir static Path tmp;
  private static LazyDataset dataset;
  private static Split train;

  /** The uninterrupted run, and its losses: what the tests hold the others to. */
  private static Pretrain whole;

  private static List<Double> wholeLosses;

  @BeforeAll
  static void convertAndTrain() throws IOException {
    Path data = tmp.resolve("emotion");
    Converter.newBuilder().build().convert(Path.of("data/emotion"), data);
    dataset = LazyDataset.open(data);
    train = dataset.split("train");
    whole = new Pretrain(train, SETTINGS);
    wholeLosses = whole.run(STEPS);
  }

  @AfterAll
  static void close() {
    dataset.close();
  }

  @Test
  void run_onPackedEmotionIds_lossFalls() {
    assertEquals(STEPS, wholeLosses.size());
    // All weights zero: every one of the 133 tokens is as likely.
    assertEquals(Math.log(133), wholeLosses.get(0), 1e-5);
    double first = Pretrain.mean(wholeLosses, 0, 20);
    double last = Pretrain.mean(wholeLosses, STEPS - 20, STEPS);
    // The sentences draw most words uniformly, so little is learnable: 4.78 nats to 4.64, where a
    // 20-step mean varies by about 0.01.
    assertTrue(last < first - 0.1, "mean loss of the first 20 steps " + first + ", last " + last);
    assertEquals(1, whole.checkpoint().state().epoch(), "the run crossed into the second epoch");
  }

  @Test
  void run_resumedFromCheckpointOnDiskMidEpoch_endsBitForBitAsTheWholeRun() throws IOException {
    Pretrain first = new Pretrain(train, SETTINGS);
    List<Double> losses = new ArrayList<>(first.run(150));
    Path dir = tmp.resolve("checkpoint");
    first.checkpoint().save(dir);
    Pretrain.Checkpoint saved = Pretrain.Checkpoint.load(dir);
    assertEquals(0, saved.state().epoch());
    assertEquals(150, saved.state().step(), "stopped in the middle of the first epoch");
    Pretrain resumed = new Pretrain(train, SETTINGS, saved);
    losses.addAll(resumed.run(STEPS - 150));

    assertEquals(wholeLosses, losses);
    assertTrue(resumed.model().sameWeights(whole.model()));
    assertEquals(whole.checkpoint().state(), resumed.checkpoint().state());
  }

  @Test
  void run_resumedWithTheLoaderStateAndAFreshModel_endsWithOtherWeights() {
    // The checkpoint needs the weights too: the loader's state alone gives the same batches to
    // another model, which ends elsewhere. This keeps the bit-for-bit test above able to fail.
    Pretrain shorter = new Pretrain(train, SETTINGS);
    shorter.run(40);
    Pretrain first = new Pretrain(train, SETTINGS);
    first.run(20);
    Pretrain.Checkpoint fresh =
        new Pretrain.Checkpoint(first.checkpoint().state(), new NextTokenModel(SETTINGS.vocab()));
    Pretrain resumed = new Pretrain(train, SETTINGS, fresh);
    resumed.run(20);

    assertEquals(shorter.checkpoint().state(), resumed.checkpoint().state());
    assertFalse(resumed.model().sameWeights(shorter.model()));
  }

  @Test
  void run_whenStepsIsNegative_refusesNamingTheValue() {
    Pretrain run = new Pretrain(train, SETTINGS);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.run(-1));
    assertEquals("steps must not be negative, found -1", e.getMessage());
  }

  @Test
  void load_whenTheFileIsTruncated_namesTheFileAndTheSizes() throws IOException {
    Path file = tmp.resolve("model.bin");
    new NextTokenModel(16).save(file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));

    IOException e = assertThrows(IOException.class, () -> NextTokenModel.load(file));
    assertEquals(
        file
            + ": not a saved NextTokenModel: 2112 bytes, vocabulary 16 (a model of vocabulary V"
            + " between 2 and 4096 takes 4 + 4 V (2 V + 1) bytes)",
        e.getMessage());
  }
}
