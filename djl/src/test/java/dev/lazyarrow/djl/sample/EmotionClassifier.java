package dev.lazyarrow.djl.sample;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.djl.LazyArrowDataset;
import dev.lazyarrow.djl.LoaderSampler;
import dev.lazyarrow.loader.LoaderState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multi-label emotion classifier trained with DJL's PyTorch engine on CPU, straight from a
 * LazyArrow dataset: the DJL sample.
 *
 * <p>The training split is a {@link LazyArrowDataset} sampled by a LazyArrow loader (a global
 * shuffle, batches of at most 1024 tokens); DJL reads its batches ahead on an executor and each
 * batch arrives as padded token ids, their mask and multi-hot targets. A checkpoint is the model's
 * parameters plus {@link LoaderSampler#stateAfter} of the last batch trained, and a run built from
 * one continues exactly where the checkpointed run stopped.
 */
public final class EmotionClassifier implements AutoCloseable {
  /** The model's name, which its parameter files carry. */
  private static final String NAME = "emotion";

  private static final String STATE_FILE = "loader-state.json";

  /**
   * What a run is configured with.
   *
   * @param seed the shuffle seed
   * @param epochs the number of epochs
   * @param tokenBudget tokens per batch (the sum of the rows' lengths)
   * @param learningRate the SGD step size
   * @param buckets rows of the model's token table
   */
  public record Settings(long seed, int epochs, long tokenBudget, float learningRate, int buckets) {
    /** Returns the settings of the sample run. */
    public static Settings defaults() {
      return new Settings(7, 3, 1024, 0.3f, 4096);
    }
  }

  /** What one epoch gave: its mean training loss, validation metrics and time. */
  public record EpochReport(int epoch, double loss, RankingMetrics metrics, double seconds) {}

  private final Settings settings;
  private final Model model;
  private final LazyArrowDataset train;
  private final LazyArrowDataset validation;
  private final Trainer trainer;

  /**
   * Prepares a run over the train and validation splits of {@code dataset}: a fresh one, or one
   * that continues the checkpoint in the folder {@code checkpoint} if it is not null.
   */
  public EmotionClassifier(LazyDataset dataset, Settings settings, Path checkpoint)
      throws IOException, MalformedModelException {
    this.settings = settings;
    int labels = dataset.split("train").features().get("labels").element().names().size();
    this.model = Model.newInstance(NAME, Device.cpu(), "PyTorch");
    model.setBlock(new BagOfTokensBlock(settings.buckets(), labels));
    LoaderState state = null;
    if (checkpoint != null) {
      model.load(checkpoint, NAME);
      state = LoaderState.fromJson(Files.readString(checkpoint.resolve(STATE_FILE)));
    }
    LoaderState resumed = state;
    this.train =
        LazyArrowDataset.builder()
            .setSplit(dataset.split("train"))
            .addData("input_ids")
            .addLabels("labels")
            .setSampling(
                loader ->
                    resumed != null
                        ? loader.resume(resumed)
                        : loader
                            .shuffle(settings.seed())
                            .tokenBudget(settings.tokenBudget(), "input_ids"))
            .optPrefetchNumber(4)
            .build();
    this.validation =
        LazyArrowDataset.builder()
            .setSplit(dataset.split("validation"))
            .addData("input_ids")
            .addLabels("labels")
            .setSampling(250, false)
            .build();
    this.trainer =
        model.newTrainer(
            new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
                .optOptimizer(
                    Optimizer.sgd()
                        .setLearningRateTracker(Tracker.fixed(settings.learningRate()))
                        .build())
                .optDevices(new Device[] {Device.cpu()})
                .optExecutorService());
    trainer.initialize(new Shape(1, 1), new Shape(1, 1));
  }

  /**
   * Trains until the last epoch ends, or until {@code stopAfter} batches were trained in this call;
   * then, if it stopped early, saves a checkpoint into the folder {@code checkpoint}. Returns a
   * report of every epoch that ended.
   */
  public List<EpochReport> run(long stopAfter, Path checkpoint)
      throws IOException, TranslateException {
    List<EpochReport> reports = new ArrayList<>();
    long trained = 0;
    while (epoch() < settings.epochs() && trained < stopAfter) {
      int epoch = epoch();
      long start = System.nanoTime();
      double loss = 0;
      long batches = 0;
      LoaderState stopped = null;
      for (Batch batch : trainer.iterateDataset(train)) {
        try (batch) {
          // DJL has read a few batches ahead when a run stops: drain them untrained.
          if (stopped == null) {
            loss += step(batch);
            batches++;
            if (++trained == stopAfter) {
              stopped = LoaderSampler.stateAfter(batch);
            }
          }
        }
      }
      if (stopped != null) {
        Files.createDirectories(checkpoint);
        model.save(checkpoint, NAME);
        Files.writeString(checkpoint.resolve(STATE_FILE), stopped.toJson());
        break;
      }
      RankingMetrics metrics = evaluate();
      reports.add(
          new EpochReport(
              epoch, loss / Math.max(1, batches), metrics, (System.nanoTime() - start) / 1e9));
    }
    return reports;
  }

  /** Returns precision@2 and recall@2 of the model as it is on the validation split. */
  public RankingMetrics evaluate() throws IOException, TranslateException {
    RankingMetrics metrics = new RankingMetrics(2);
    for (Batch batch : trainer.iterateDataset(validation)) {
      try (batch) {
        NDArray logits = trainer.evaluate(batch.getData()).singletonOrThrow();
        metrics.add(logits, batch.getLabels().singletonOrThrow());
      }
    }
    return metrics;
  }

  /** Returns the number of training batches an epoch holds. */
  public long batchesPerEpoch() {
    return trainerSampler().batchesPerEpoch();
  }

  /** Returns every parameter's values, in the block's order: to compare two runs. */
  public List<float[]> parameters() {
    List<float[]> values = new ArrayList<>();
    for (Parameter p : model.getBlock().getParameters().values()) {
      values.add(p.getArray().toFloatArray());
    }
    return values;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
    train.close();
    validation.close();
  }

  private static boolean same(List<float[]> a, List<float[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  private int epoch() {
    return trainerSampler().state().epoch();
  }

  private LoaderSampler trainerSampler() {
    return (LoaderSampler) train.sampler();
  }

  /** Takes one SGD step on {@code batch}; returns its loss before the step. */
  private double step(Batch batch) {
    try (GradientCollector collector = trainer.newGradientCollector()) {
      NDList predictions = trainer.forward(batch.getData(), batch.getLabels());
      NDArray loss = trainer.getLoss().evaluate(batch.getLabels(), predictions);
      collector.backward(loss);
      double value = loss.getFloat();
      trainer.step();
      return value;
    }
  }

  /**
   * Trains on the save_to_disk folder {@code args[0]} (converted first into {@code args[1]}),
   * printing the untrained model's metrics and each epoch's, then shows that a run checkpointed
   * half-way through epoch 1 and resumed ends with the very same model.
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true"); // the engine's native library is in its jar
    // A model this small runs faster on one thread than handing each op to several.
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    Path source = Path.of(args.length > 0 ? args[0] : "samples/data/emotion");
    Path work = Path.of(args.length > 1 ? args[1] : "djl/target/sample");
    Path data = work.resolve("emotion");
    Converter.newBuilder().overwrite(true).build().convert(source, data);
    Settings settings = Settings.defaults();
    try (LazyDataset dataset = LazyDataset.open(data)) {
      List<float[]> whole;
      try (EmotionClassifier run = new EmotionClassifier(dataset, settings, null)) {
        RankingMetrics untrained = run.evaluate();
        System.out.printf(
            "untrained: precision@2 %.3f, recall@2 %.3f%n",
            untrained.precision(), untrained.recall());
        double seconds = 0;
        for (EpochReport r : run.run(Long.MAX_VALUE, null)) {
          System.out.printf(
              "epoch %d: loss %.4f, precision@2 %.3f, recall@2 %.3f%n",
              r.epoch(), r.loss(), r.metrics().precision(), r.metrics().recall());
          seconds += r.seconds();
        }
        System.out.printf(
            "%.2f s per epoch (training and validation)%n", seconds / settings.epochs());
        whole = run.parameters();
      }
      Path checkpoint = work.resolve("checkpoint");
      long stop;
      try (EmotionClassifier first = new EmotionClassifier(dataset, settings, null)) {
        stop = first.batchesPerEpoch() * 3 / 2;
        first.run(stop, checkpoint);
      }
      try (EmotionClassifier resumed = new EmotionClassifier(dataset, settings, checkpoint)) {
        LoaderState at = LoaderState.fromJson(Files.readString(checkpoint.resolve(STATE_FILE)));
        resumed.run(Long.MAX_VALUE, null);
        System.out.printf(
            "checkpoint at epoch %d step %d; resumed model identical: %b%n",
            at.epoch(), at.step(), same(whole, resumed.parameters()));
      }
    }
  }
}
