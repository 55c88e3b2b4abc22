package dev.lazyarrow.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.DatasetTokenizer;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Mixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pretraining sample on the bundled raw text, tokenized and mixed: its loss falls, each source
 * gets its share, and it resumes exactly.
 */
class PretrainTest {
  /**
   * Steps of a run: more than an epoch's 163 batches (the licenses' 389 samples are 30% of it), so
   * runs cross into the second epoch.
   */
  private static final int STEPS = 300;

  private static final Pretrain.Settings SETTINGS = Pretrain.Settings.defaults();

  private static final Path DATA = Path.of("data");

  @TempDir static Path tmp;
  private static Corpus corpus;
  private static Mixture mixture;

  /** The uninterrupted run, and its losses: what the tests hold the others to. */
  private static Pretrain whole;

  private static List<Double> wholeLosses;

  @BeforeAll
  static void tokenizeAndTrain() throws IOException {
    corpus = Corpus.prepare(DATA, tmp.resolve("corpus"), Pretrain.EMOTION_WEIGHT);
    mixture = corpus.mixture();
    whole = new Pretrain(mixture, SETTINGS);
    wholeLosses = whole.run(STEPS);
  }

  @AfterAll
  static void close() {
    corpus.close();
  }

  @Test
  void prepare_tokenizesTheRawTextWithTheBundledTokenizer() throws Exception {
    DatasetTokenizer recorded = corpus.emotion().tokenizer().orElseThrow();
    assertEquals(sha256(Corpus.tokenizer(DATA)), recorded.sha256());
    assertEquals(4000, recorded.vocabSize());
    assertEquals(Corpus.IDS, recorded.idsColumn());
    assertEquals(Map.of("<|endoftext|>", (long) Corpus.EOD), recorded.specialTokens());
    assertEquals(recorded.sha256(), corpus.licenses().tokenizer().orElseThrow().sha256());
    // The Python tokenizers 0.23.2 gives these ids for the last sentence of the train split,
    // "joyful sorrow celebrate family came ...".
    int[] golden = {74, 2142, 1529, 283, 263, 296, 87, 272, 69, 305, 66, 82, 429, 285, 348, 73};
    Split train = corpus.emotion().split("train");
    int[] ids = train.get(5999).getIntArray(Corpus.IDS);
    assertEquals(67, ids.length);
    assertArrayEquals(golden, Arrays.copyOf(ids, golden.length));
    assertEquals(1531, ids[66]);
    Split licenses = corpus.licenses().split("train");
    assertEquals(323, licenses.size());
    assertEquals(0, licenses.get(315).getIntArray(Corpus.IDS).length, "the empty text");
    assertTrue(licenses.get(322).isNull(Corpus.IDS), "the null text has null ids");
  }

  @Test
  void run_onTheTokenizedMixture_lossFalls() {
    assertEquals(STEPS, wholeLosses.size());
    // All weights zero: every one of the model's 512 tokens is as likely.
    assertEquals(Math.log(512), wholeLosses.get(0), 1e-5);
    double first = Pretrain.mean(wholeLosses, 0, 20);
    double last = Pretrain.mean(wholeLosses, STEPS - 20, STEPS);
    // 6.02 nats to 4.34 here: words cut into BPE pieces make the next piece easy to guess.
    assertTrue(last < first - 1, "mean loss of the first 20 steps " + first + ", last " + last);
    assertEquals(1, whole.checkpoint().state().epoch(), "the run crossed into the second epoch");
  }

  @Test
  void run_onTheMixture_drawsEachSourceByItsWeight() {
    long[] drawn = whole.samplesBySource();
    long samples = drawn[0] + drawn[1];
    // Every batch is full but the last of the epoch.
    assertTrue(samples > (long) (STEPS - 1) * SETTINGS.batchSize(), "samples: " + samples);
    // Blended: after any n samples of an epoch each source has its weight times n, within one;
    // the run went through one epoch and part of the next.
    assertEquals(Pretrain.EMOTION_WEIGHT * samples, drawn[0], 2.0, Arrays.toString(drawn));
  }

  @Test
  void run_resumedFromCheckpointOnDiskMidEpoch_endsBitForBitAsTheWholeRun() throws IOException {
    Pretrain first = new Pretrain(mixture, SETTINGS);
    List<Double> losses = new ArrayList<>(first.run(150));
    Path dir = tmp.resolve("checkpoint");
    first.checkpoint().save(dir);
    Pretrain.Checkpoint saved = Pretrain.Checkpoint.load(dir);
    assertEquals(0, saved.state().epoch());
    assertEquals(150, saved.state().step(), "stopped in the middle of the first epoch");
    assertEquals(2, saved.state().mixture().sources().size(), "the state holds the mixture");
    Pretrain resumed = new Pretrain(mixture, SETTINGS, saved);
    losses.addAll(resumed.run(STEPS - 150));

    assertEquals(wholeLosses, losses);
    assertTrue(resumed.model().sameWeights(whole.model()));
    assertEquals(whole.checkpoint().state(), resumed.checkpoint().state());
  }

  @Test
  void run_resumedWithTheLoaderStateAndAFreshModel_endsWithOtherWeights() {
    // The checkpoint needs the weights too: the loader's state alone gives the same batches to
    // another model, which ends elsewhere. This keeps the bit-for-bit test above able to fail.
    Pretrain shorter = new Pretrain(mixture, SETTINGS);
    shorter.run(40);
    Pretrain first = new Pretrain(mixture, SETTINGS);
    first.run(20);
    Pretrain.Checkpoint fresh =
        new Pretrain.Checkpoint(first.checkpoint().state(), new NextTokenModel(SETTINGS.vocab()));
    Pretrain resumed = new Pretrain(mixture, SETTINGS, fresh);
    resumed.run(20);

    assertEquals(shorter.checkpoint().state(), resumed.checkpoint().state());
    assertFalse(resumed.model().sameWeights(shorter.model()));
  }

  @Test
  void run_whenStepsIsNegative_refusesNamingTheValue() {
    Pretrain run = new Pretrain(mixture, SETTINGS);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run.run(-1));
    assertEquals("steps must not be negative, found -1", e.getMessage());
  }

  @Test
  void prepare_whenTheWeightLeavesNoShare_refusesNamingTheValue() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Corpus.prepare(DATA, tmp.resolve("unused"), 1.0));
    assertEquals("the emotion sentences' weight must be in (0, 1), found 1.0", e.getMessage());
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

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
