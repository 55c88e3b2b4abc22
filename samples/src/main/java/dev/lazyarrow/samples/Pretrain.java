package dev.lazyarrow.samples;

import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A pretraining loop in plain Java: the documents of a mixture's token column, each source
 * shuffled, packed into samples of {@code seqLen + 1} tokens with an end-of-document token after
 * each and drawn from the sources by weight, train a tiny {@link NextTokenModel}, one SGD step a
 * batch.
 *
 * <p>A {@link Checkpoint} is the loader's state and a copy of the model; a run continued from one,
 * even in the middle of an epoch, takes the very steps the uninterrupted run took, with the same
 * losses and, at the end, the same weights bit for bit.
 */
public final class Pretrain {
  /** The share of the sample run's samples drawn from the emotion sentences; the rest, licenses. */
  public static final double EMOTION_WEIGHT = 0.7;

  /**
   * What a run is configured with.
   *
   * @param seed the shuffle seed
   * @param seqLen the inputs a sample has (its tokens are one more)
   * @param batchSize samples a batch
   * @param learningRate the SGD step size of the bias and the bigram table
   * @param contextLearningRate the SGD step size of the context table
   * @param vocab the model's vocabulary: token ids are taken modulo it
   * @param eod the end-of-document token appended to every document, below {@code vocab}
   * @param column the token column of the mixture's sources
   */
  public record Settings(
      long seed,
      int seqLen,
      int batchSize,
      float learningRate,
      float contextLearningRate,
      int vocab,
      int eod,
      String column) {
    /** Checks that the end-of-document token is one the model can tell apart. */
    public Settings {
      if (eod < 0 || eod >= vocab) {
        throw new IllegalArgumentException(
            "eod must be a token below vocab " + vocab + ", found " + eod);
      }
      Objects.requireNonNull(column, "column");
    }

    /**
     * Returns the settings of the sample run over the {@link Corpus}: the bundled tokenizer's 4,000
     * ids hashed into 512 rows of the model, and its {@code <|endoftext|>} (id 0) after every
     * document.
     */
    public static Settings defaults() {
      return new Settings(11, 64, 8, 2f, 200f, 512, Corpus.EOD, Corpus.IDS);
    }
  }

  /** Where a run stands: the loader's state and the model's weights. */
  public record Checkpoint(LoaderState state, NextTokenModel model) {
    private static final String STATE = "loader.json";
    private static final String MODEL = "model.bin";

    /** Writes the checkpoint into directory {@code dir}, made if missing. */
    public void save(Path dir) throws IOException {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(STATE), state.toJson(), StandardCharsets.UTF_8);
      model.save(dir.resolve(MODEL));
    }

    /** Reads a checkpoint {@link #save} wrote into {@code dir}. */
    public static Checkpoint load(Path dir) throws IOException {
      LoaderState state =
          LoaderState.fromJson(Files.readString(dir.resolve(STATE), StandardCharsets.UTF_8));
      return new Checkpoint(state, NextTokenModel.load(dir.resolve(MODEL)));
    }
  }

  private final Mixture corpus;
  private final Settings settings;
  private final NextTokenModel model;
  private final long[] samplesBySource;
  private LoaderState state;

  /**
   * Prepares a fresh run over the token column of {@code corpus}'s sources, with an untrained
   * model; a mixture of one source trains on that split alone.
   */
  public Pretrain(Mixture corpus, Settings settings) {
    this.corpus = corpus;
    this.settings = settings;
    this.model = new NextTokenModel(settings.vocab());
    this.samplesBySource = new long[corpus.sources().size()];
  }

  /** Prepares a run that continues from {@code from}, which a run with {@code settings} saved. */
  public Pretrain(Mixture corpus, Settings settings, Checkpoint from) {
    this.corpus = corpus;
    this.settings = settings;
    this.samplesBySource = new long[corpus.sources().size()];
    if (from.model().vocab() != settings.vocab()) {
      throw new IllegalArgumentException(
          "the checkpoint's model has vocabulary "
              + from.model().vocab()
              + ", the settings "
              + settings.vocab());
    }
    this.model = from.model().copy();
    this.state = from.state();
  }

  /**
   * Trains {@code steps} more steps, across epochs as needed, and returns each step's loss, the
   * batch's mean cross-entropy before its step.
   *
   * @throws IllegalArgumentException if {@code steps} is negative
   */
  public List<Double> run(int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must not be negative, found " + steps);
    }
    List<Double> losses = new ArrayList<>(steps);
    try (PackedLoader loader = loader()) {
      while (losses.size() < steps) {
        for (PackedBatch batch : loader) {
          losses.add(model.train(batch, settings.learningRate(), settings.contextLearningRate()));
          for (int i = 0; i < batch.size(); i++) {
            // A sample is packed from one source's documents: its first piece tells which.
            samplesBySource[batch.spans(i).get(0).source()]++;
          }
          if (losses.size() == steps) {
            break;
          }
        }
      }
      state = loader.state();
    }
    return losses;
  }

  private PackedLoader loader() {
    LoaderBuilder rows = Loader.newBuilder(corpus);
    rows =
        state != null
            ? rows.resume(state)
            : rows.shuffle(settings.seed()).batchSize(settings.batchSize());
    return rows.prefetch(2)
        .pack(settings.seqLen(), settings.column())
        .eod(settings.eod())
        .eodMaskLoss()
        .build();
  }

  /** Returns how many samples this run has trained on from each source, in the mixture's order. */
  public long[] samplesBySource() {
    return samplesBySource.clone();
  }

  /** Returns a copy of the model as trained so far. */
  public NextTokenModel model() {
    return model.copy();
  }

  /** Returns where the run stands: the loader's state after the last step and a model copy. */
  public Checkpoint checkpoint() {
    LoaderState now = state;
    if (now == null) {
      try (PackedLoader loader = loader()) {
        now = loader.state();
      }
    }
    return new Checkpoint(now, model.copy());
  }

  /**
   * Tokenizes the bundled raw text of the {@code samples/data} folder (the first argument, by
   * default {@code samples/data}), pretrains on the mixture of its two sources for the given steps
   * (300 by default), printing the loss and each source's share, and shows that a run checkpointed
   * to disk in the middle of an epoch and resumed ends with the very same model.
   */
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "samples/data");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    Path work = Files.createTempDirectory("pretrain");
    Settings settings = Settings.defaults();
    try (Corpus corpus = Corpus.prepare(data, work, EMOTION_WEIGHT)) {
      Mixture mixture = corpus.mixture();
      Pretrain whole = new Pretrain(mixture, settings);
      List<Double> losses = whole.run(steps);
      for (int s = 0; s < losses.size(); s += 20) {
        int to = Math.min(s + 20, losses.size());
        System.out.printf("steps %d-%d: mean loss %.4f%n", s + 1, to, mean(losses, s, to));
      }
      long[] drawn = whole.samplesBySource();
      System.out.printf(
          "samples: %d emotion, %d licenses (weights %.2f, %.2f)%n",
          drawn[0], drawn[1], mixture.weight(0), mixture.weight(1));
      Pretrain first = new Pretrain(mixture, settings);
      first.run(steps / 2);
      Path checkpoint = work.resolve("checkpoint");
      first.checkpoint().save(checkpoint);
      Checkpoint saved = Checkpoint.load(checkpoint);
      Pretrain resumed = new Pretrain(mixture, settings, saved);
      resumed.run(steps - steps / 2);
      System.out.printf(
          "checkpoint after %d steps (epoch %d, batch %d), resumed model identical: %b%n",
          steps / 2,
          saved.state().epoch(),
          saved.state().step(),
          resumed.model.sameWeights(whole.model));
    }
  }

  /** Returns the mean of {@code values[from, min(to, size))}. */
  static double mean(List<Double> values, int from, int to) {
    int end = Math.min(to, values.size());
    double sum = 0;
    for (int i = from; i < end; i++) {
      sum += values.get(i);
    }
    return sum / Math.max(1, end - from);
  }
}
