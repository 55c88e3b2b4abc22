package dev.lazyarrow.cli.demo;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.TrainingBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-label emotion classifier trained from a LazyArrow dataset: the sample training loop.
 *
 * <p>The loop is what a trainer writes: a shuffled, prefetched loader whose batches are bounded by
 * a token budget; each batch collated into padded token ids and multi-hot targets; one SGD step per
 * batch; precision@K and recall@K on the validation split after each epoch. The loader's state and
 * a copy of the model are all a checkpoint needs: {@link #EmotionTrainer(LazyDataset, Settings,
 * BagOfTokens, LoaderState)} continues a run exactly where it stopped.
 */
public final class EmotionTrainer {
  /**
   * What a run is configured with.
   *
   * @param seed the shuffle seed
   * @param epochs the number of epochs
   * @param tokenBudget tokens per batch (sum of the rows' lengths)
   * @param learningRate the SGD step size
   * @param k the K of precision@K and recall@K
   * @param buckets rows of the model's token table
   */
  public record Settings(
      long seed, int epochs, long tokenBudget, float learningRate, int k, int buckets) {
    /** Returns the settings of the sample run. */
    public static Settings defaults() {
      return new Settings(7, 3, 1024, 0.05f, 2, 4096);
    }
  }

  /** What one epoch gave: its batches, mean training loss and validation metrics. */
  public record EpochReport(
      int epoch, long batches, double loss, double precisionAtK, double recallAtK) {}

  /** Hears about every batch trained and every epoch ended, for progress bars and logs. */
  @FunctionalInterface
  public interface Progress {
    /** Called after batch {@code batch} of the {@code batches} this epoch holds. */
    void batchDone(int epoch, long batch, long batches, double loss);

    /** Called when an epoch ends, with its report; does nothing unless overridden. */
    default void epochDone(EpochReport report) {}
  }

  private final Split train;
  private final Split validation;
  private final Settings settings;
  private final BagOfTokens model;
  private LoaderState state;

  /**
   * Prepares a fresh run over the {@code train} and {@code validation} splits of {@code dataset}.
   */
  public EmotionTrainer(LazyDataset dataset, Settings settings) {
    this(dataset, settings, null, null);
  }

  /** Prepares a run that continues from a checkpoint: the model then and the loader's state. */
  public EmotionTrainer(
      LazyDataset dataset, Settings settings, BagOfTokens model, LoaderState state) {
    // The model reads two columns: the projections never touch the text.
    this.train = dataset.split("train").select("input_ids", "labels");
    this.validation = dataset.split("validation").select("input_ids", "labels");
    this.settings = settings;
    int labels = train.features().get("labels").element().names().size();
    this.model = model != null ? model.copy() : new BagOfTokens(settings.buckets(), labels);
    this.state = state;
  }

  /**
   * Trains until the last epoch ends or {@code stopAfter} batches were trained in this call, and
   * returns a report of every epoch that ended.
   */
  public List<EpochReport> run(long stopAfter, Progress progress) {
    List<EpochReport> reports = new ArrayList<>();
    LoaderBuilder builder = Loader.newBuilder(train);
    builder =
        state != null
            ? builder.resume(state)
            : builder.shuffle(settings.seed()).tokenBudget(settings.tokenBudget(), "input_ids");
    long trained = 0;
    try (Loader loader = builder.prefetch(4).build()) {
      while (loader.state().epoch() < settings.epochs() && trained < stopAfter) {
        int epoch = loader.state().epoch();
        long batches = loader.batchesPerEpoch();
        long done = loader.state().step() / loader.state().worldSize();
        double loss = 0;
        long counted = 0;
        for (TrainingBatch batch : loader) {
          loss +=
              model.train(
                  batch.tokens("input_ids"), batch.multiHot("labels"), settings.learningRate());
          counted++;
          progress.batchDone(epoch, ++done, batches, loss / counted);
          if (++trained == stopAfter) {
            break;
          }
        }
        if (loader.state().epoch() > epoch) {
          RankingMetrics metrics = evaluate(model);
          EpochReport report =
              new EpochReport(
                  epoch,
                  counted,
                  loss / Math.max(1, counted),
                  metrics.precision(),
                  metrics.recall());
          reports.add(report);
          progress.epochDone(report);
        }
      }
      state = loader.state();
    }
    return reports;
  }

  /** Returns precision@K and recall@K of {@code model} on the validation split. */
  public RankingMetrics evaluate(BagOfTokens model) {
    RankingMetrics metrics = new RankingMetrics(settings.k());
    for (Row row : validation) {
      List<Long> labels = row.getList("labels").stream().map(l -> (Long) l).toList();
      metrics.add(model.predict(row.getIntArray("input_ids")), labels);
    }
    return metrics;
  }

  /** Returns a copy of the model as trained so far. */
  public BagOfTokens model() {
    return model.copy();
  }

  /** Returns the loader's state: where training stands. */
  public LoaderState state() {
    return state;
  }

  /**
   * Trains on a dataset directory (or a save_to_disk folder, converted first) and then shows that a
   * run checkpointed half-way through an epoch and resumed ends with the very same model.
   */
  public static void main(String[] args) throws Exception {
    Path source = Path.of(args.length > 0 ? args[0] : "samples/data/emotion");
    Path dataset = source;
    if (!Files.exists(source.resolve("lazyarrow.json"))) {
      dataset = Files.createTempDirectory("emotion").resolve("dataset");
      Converter.newBuilder().build().convert(source, dataset);
    }
    Settings settings = Settings.defaults();
    try (LazyDataset ds = LazyDataset.open(dataset)) {
      EmotionTrainer untrained = new EmotionTrainer(ds, settings);
      RankingMetrics before = untrained.evaluate(untrained.model());
      System.out.printf(
          "untrained: precision@%d %.3f recall@%d %.3f%n",
          before.k(), before.precision(), before.k(), before.recall());
      EmotionTrainer whole = new EmotionTrainer(ds, settings);
      for (EpochReport r : whole.run(Long.MAX_VALUE, (e, b, n, loss) -> {})) {
        System.out.printf(
            "epoch %d: %d batches, loss %.4f, precision@%d %.3f, recall@%d %.3f%n",
            r.epoch(),
            r.batches(),
            r.loss(),
            settings.k(),
            r.precisionAtK(),
            settings.k(),
            r.recallAtK());
      }
      EmotionTrainer first = new EmotionTrainer(ds, settings);
      first.run(first.batchesPerEpoch() * 3 / 2, (e, b, n, loss) -> {});
      String checkpoint = first.state().toJson();
      EmotionTrainer resumed =
          new EmotionTrainer(ds, settings, first.model(), LoaderState.fromJson(checkpoint));
      resumed.run(Long.MAX_VALUE, (e, b, n, loss) -> {});
      System.out.printf(
          "checkpoint at epoch %d step %d; resumed model identical: %b%n",
          LoaderState.fromJson(checkpoint).epoch(),
          LoaderState.fromJson(checkpoint).step(),
          resumed.model().sameWeights(whole.model()));
    }
  }

  /** Returns the batches of one epoch, for choosing where to stop. */
  public long batchesPerEpoch() {
    LoaderBuilder builder = Loader.newBuilder(train);
    builder =
        state != null
            ? builder.resume(state)
            : builder.shuffle(settings.seed()).tokenBudget(settings.tokenBudget(), "input_ids");
    try (Loader loader = builder.build()) {
      return loader.batchesPerEpoch();
    }
  }
}
