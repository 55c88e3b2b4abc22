package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.samples.EmotionTrainer;
import dev.lazyarrow.samples.RankingMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code demo} command. */
@Command(
    name = "demo",
    header = "Convert the bundled sample, open it lazily, and train on it.",
    description = {
      "Converts the multi-label emotion sample (a save_to_disk DatasetDict), compares opening it"
          + " lazily with loading it eagerly, trains the sample classifier for a few epochs with a"
          + " shuffled, prefetched, token-budget loader, and resumes a checkpoint mid-epoch."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int ROUNDS = 5;

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "<dir>",
      description = "the save_to_disk sample (default: ${DEFAULT-VALUE})")
  Path data = Path.of("samples/data/emotion");

  @Option(
      names = "--out",
      paramLabel = "<dir>",
      description =
          "where the converted dataset goes, replaced each run (default: ${DEFAULT-VALUE})")
  Path dataset = Path.of("target/lazyarrow-demo");

  @Option(
      names = "--epochs",
      paramLabel = "<n>",
      description = "epochs (default: ${DEFAULT-VALUE})")
  int epochs = 3;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(data)) {
      throw new IllegalArgumentException(
          "no sample at " + data + ": run from the LazyArrow checkout or pass --data");
    }
    PrintWriter out = spec.commandLine().getOut();
    long start = System.nanoTime();
    Converter.Result converted =
        Converter.newBuilder().overwrite(true).build().convert(data, dataset);
    out.printf(
        "converted %s into %s: %d rows in %d splits, %.0f ms%n",
        data, dataset, converted.rows(), converted.splits().size(), millis(start));

    // Alternating rounds, the first one discarded: it pays the JVM's class loading.
    double[] lazyMs = new double[ROUNDS];
    double[] eagerMs = new double[ROUNDS];
    long eagerRows = 0;
    for (int round = -1; round < ROUNDS; round++) {
      start = System.nanoTime();
      try (LazyDataset ds = LazyDataset.open(dataset)) {
        ds.split("train").get(0);
      }
      double lazy = millis(start);
      start = System.nanoTime();
      eagerRows = loadEagerly(dataset);
      if (round >= 0) {
        lazyMs[round] = lazy;
        eagerMs[round] = millis(start);
      }
    }
    double lazy = median(lazyMs);
    double eager = median(eagerMs);
    out.printf(
        "open and read row 0 (median of %d): lazy %.2f ms; eager, loading all %d rows"
            + " first, %.2f ms (%.0fx longer)%n",
        ROUNDS, lazy, eagerRows, eager, eager / lazy);
    out.flush();

    EmotionTrainer.Settings settings = EmotionTrainer.Settings.defaults();
    settings =
        new EmotionTrainer.Settings(
            settings.seed(),
            epochs,
            settings.tokenBudget(),
            settings.learningRate(),
            settings.k(),
            settings.buckets());
    train(dataset, settings, out);
    return 0;
  }

  private void train(Path dataset, EmotionTrainer.Settings settings, PrintWriter out) {
    try (LazyDataset ds = LazyDataset.open(dataset)) {
      EmotionTrainer trainer = new EmotionTrainer(ds, settings);
      RankingMetrics untrained = trainer.evaluate(trainer.model());
      int k = settings.k();
      out.printf(
          "untrained model: precision@%d %.3f, recall@%d %.3f%n",
          k, untrained.precision(), k, untrained.recall());
      out.flush();
      long start = System.nanoTime();
      List<EmotionTrainer.EpochReport> reports;
      try (EpochBars bars = new EpochBars(out, k)) {
        reports = trainer.run(Long.MAX_VALUE, bars);
      }
      double seconds = millis(start) / 1000;
      EmotionTrainer first = new EmotionTrainer(ds, settings);
      first.run(first.batchesPerEpoch() / 2, (e, b, n, loss) -> {});
      EmotionTrainer resumed = new EmotionTrainer(ds, settings, first.model(), first.state());
      resumed.run(Long.MAX_VALUE, (e, b, n, loss) -> {});
      EmotionTrainer.EpochReport last = reports.get(reports.size() - 1);
      Split train = ds.split("train");
      out.printf(
          "%nsummary: %d training rows, %d epochs in %.1f s; precision@%d %.3f -> %.3f,"
              + " recall@%d %.3f -> %.3f%n",
          train.size(),
          reports.size(),
          seconds,
          k,
          untrained.precision(),
          last.precisionAtK(),
          k,
          untrained.recall(),
          last.recallAtK());
      out.printf(
          "checkpoint half-way through epoch 0 (step %d), resumed: same model as the"
              + " uninterrupted run: %b%n",
          first.state().step(), resumed.model().sameWeights(trainer.model()));
      out.flush();
    }
  }

  /** Opens the dataset eagerly, every batch copied into memory first, and reads row 0. */
  private static long loadEagerly(Path dataset) {
    try (LazyDataset ds = LazyDataset.newBuilder().keepInMemory().open(dataset)) {
      ds.split("train").get(0);
      return ds.splits().stream().mapToLong(Split::size).sum();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double millis(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  /** One progress bar per epoch on stderr, if stderr is a terminal, then the epoch's metrics. */
  private static final class EpochBars implements EmotionTrainer.Progress, AutoCloseable {
    private final boolean enabled = ProgressReporter.stderrIsTerminal();
    private final PrintWriter out;
    private final int k;
    private ProgressBar bar;
    private int epoch = -1;

    EpochBars(PrintWriter out, int k) {
      this.out = out;
      this.k = k;
    }

    @Override
    public void epochDone(EmotionTrainer.EpochReport r) {
      close();
      out.printf(
          "epoch %d: %d batches, loss %.4f, precision@%d %.3f, recall@%d %.3f%n",
          r.epoch(), r.batches(), r.loss(), k, r.precisionAtK(), k, r.recallAtK());
      out.flush();
    }

    @Override
    public void batchDone(int epoch, long batch, long batches, double loss) {
      if (!enabled) {
        return;
      }
      if (epoch != this.epoch) {
        close();
        this.epoch = epoch;
        bar =
            new ProgressBarBuilder()
                .setTaskName("epoch " + epoch)
                .setInitialMax(batches)
                .setUnit(" batches", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
      }
      bar.stepTo(batch);
      bar.setExtraMessage(String.format(" loss %.4f", loss));
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
