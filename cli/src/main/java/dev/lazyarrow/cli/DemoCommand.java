package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.cli.demo.EmotionTrainer;
import dev.lazyarrow.cli.demo.RankingMetrics;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.internal.format.Manifest;
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
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code demo} command. */
@Command(
    name = "demo",
    header = "Convert the bundled sample, open it lazily, and train on it.",
    description = {
      "Converts the multi-label emotion sample (a save_to_disk DatasetDict) and prints a row as"
          + " datasets returns it.",
      "Compares opening lazily with loading eagerly on a corpus of about 200 MB: the sample's"
          + " train split repeated, made once into target/ in a few seconds.",
      "Trains the sample classifier for a few epochs with a shuffled, prefetched, token-budget"
          + " loader, and resumes a checkpoint mid-epoch. Epochs and steps count from 0, as"
          + " LoaderState counts them."
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
      names = "--corpus",
      paramLabel = "<dir>",
      description =
          "where the corpus for lazy against eager goes, kept for later runs"
              + " (default: ${DEFAULT-VALUE})")
  Path corpus = Path.of("target/lazyarrow-demo-corpus");

  @Option(
      names = "--corpus-mb",
      paramLabel = "<n>",
      description = "about how large that corpus is (default: ${DEFAULT-VALUE})")
  int corpusMegabytes = 200;

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
        "converted %s into %s: %s in %s, %.0f ms%n",
        data,
        dataset,
        Plural.of(converted.rows(), "row"),
        Plural.of(converted.splits().size(), "split"),
        millis(start));
    long trainRows;
    try (LazyDataset ds = LazyDataset.open(dataset)) {
      Split train = ds.split("train");
      trainRows = train.size();
      out.printf(
          "train row 0, as datasets returns it:%n  %s%n",
          asDatasetsPrints(train.get(0), train.schema().getFields()));
    }
    compareLazyWithEager(trainRows, out);

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
      // Where the sample checkpoints too: half-way through the second epoch (the first if only
      // one), so that both print the same epoch and step, counted as LoaderState counts them.
      EmotionTrainer first = new EmotionTrainer(ds, settings);
      long perEpoch = first.batchesPerEpoch();
      first.run(settings.epochs() > 1 ? perEpoch * 3 / 2 : perEpoch / 2, (e, b, n, loss) -> {});
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
          "checkpoint at epoch %d step %d; resumed model identical: %b%n",
          first.state().epoch(),
          first.state().step(),
          resumed.model().sameWeights(trainer.model()));
      out.flush();
    }
  }

  /**
   * Returns {@code row} as one JSON object in the encoding of {@code dump}: what datasets gives.
   */
  private static String asDatasetsPrints(Row row, List<Field> fields) {
    StringBuilder line = new StringBuilder();
    List<String> names = row.columnNames();
    Object[] values = new Object[names.size()];
    for (int c = 0; c < values.length; c++) {
      values[c] = row.get(c);
    }
    PythonJson.appendRowLine(line, row.index(), names, fields, values);
    String json = line.toString();
    return json.substring(json.indexOf("\"row\": ") + 7, json.length() - 1);
  }

  /**
   * Times opening and reading row 0 lazily against loading every batch first, on a corpus large
   * enough for the difference to show, in alternating rounds after one discarded round (it pays the
   * JVM's class loading).
   */
  private void compareLazyWithEager(long trainRows, PrintWriter out) throws IOException {
    int copies = DemoCorpus.copies(data, corpusMegabytes);
    long start = System.nanoTime();
    boolean made = DemoCorpus.make(data, trainRows, corpus, copies);
    out.printf(
        "lazy against eager on %s: the sample's train split %d times (%s, %s), %s%n",
        corpus,
        copies,
        Plural.of(trainRows * copies, "row"),
        megabytes(corpus),
        made ? String.format("made in %.1f s", millis(start) / 1000) : "made by an earlier run");
    out.flush();
    double[] lazyMs = new double[ROUNDS];
    double[] eagerMs = new double[ROUNDS];
    for (int round = -1; round < ROUNDS; round++) {
      start = System.nanoTime();
      try (LazyDataset ds = LazyDataset.open(corpus)) {
        ds.split("train").get(0);
      }
      double lazy = millis(start);
      start = System.nanoTime();
      try (LazyDataset ds = LazyDataset.newBuilder().keepInMemory().open(corpus)) {
        ds.split("train").get(0);
      }
      if (round >= 0) {
        lazyMs[round] = lazy;
        eagerMs[round] = millis(start);
      }
    }
    double lazy = median(lazyMs);
    double eager = median(eagerMs);
    out.printf(
        "open and read row 0, median of %d rounds: lazy %.2f ms; eager, loading every row first"
            + " as datasets' keep_in_memory does, %.0f ms (%.0fx longer)%n",
        ROUNDS, lazy, eager, eager / lazy);
    out.flush();
  }

  private static String megabytes(Path dataset) {
    long bytes =
        Manifest.read(dataset).splits().stream()
            .flatMap(s -> s.shards().stream())
            .mapToLong(Manifest.Shard::bytes)
            .sum();
    return String.format("%.0f MB", bytes / 1e6);
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
