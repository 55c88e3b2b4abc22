package dev.lazyarrow.djl;

import static dev.lazyarrow.djl.SplitSource.requireState;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import ai.djl.util.Progress;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.TrainingBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

/**
 * A DJL {@link RandomAccessDataset} over one split of a LazyArrow dataset, or a {@link Mixture} of
 * splits: {@code trainer.iterateDataset(dataset)} reads its rows lazily, zero-copy from the mapped
 * shards.
 *
 * <pre>{@code
 * try (LazyArrowDataset train = LazyArrowDataset.builder()
 *     .setDirectory(Path.of("emotion"), "train")
 *     .addData("input_ids")                                 // ids (B, L) and input_ids_mask (B, L)
 *     .addLabels("labels")                                  // multi-hot (B, 6)
 *     .setSampling(loader -> loader.shuffle(42).tokenBudget(1024, "input_ids"))
 *     .optPrefetchNumber(4)
 *     .build()) {
 *   for (Batch batch : trainer.iterateDataset(train)) { ... }
 * }
 * }</pre>
 *
 * <p>Each data and label column becomes NDArrays as its type calls for: a list of int8..int32 gives
 * int64 token ids and an int64 mask, padded per batch to the batch's longest row; a list of
 * ClassLabel a float32 multi-hot vector; a ClassLabel or integer an int64; a float a float32 (a
 * float64 stays float64); a fixed-size list or {@code Array2D..5D} its stored dtype (int16 widened
 * to int32, which DJL's PyTorch engine lacks) and shape. Arrays are named after their columns, a
 * mask {@code <column>_mask}.
 *
 * <p>{@link #get} reads a row's columns straight from its record batch ({@link
 * TrainingBatch#collate}), not through {@code Row}s, and is thread-safe: DJL's executor calls it
 * from many threads. {@link #prepare} does nothing, as opening the dataset already read all it
 * needs (one manifest). Close the dataset to close what it opened: the directory given to {@link
 * Builder#setDirectory} and the loader of {@link Builder#setSampling(UnaryOperator)}.
 *
 * <p>Over a mixture ({@link Builder#setMixture}) the sources' rows are numbered as one run, source
 * after source, as {@link LoaderSampler} numbers them; the mixture's loader decides which rows a
 * batch holds, so the sampling must be a loader's, and {@link LoaderSampler#sources(Batch)} tells
 * each row's source.
 */
public final class LazyArrowDataset extends RandomAccessDataset implements AutoCloseable {
  private final Split split;

  /** Over a mixture, its sources; else just the split. */
  private final List<Split> sources;

  /** The run index of each source's first row, then the rows of all together. */
  private final long[] firstRows;

  private final NDColumns data;
  private final NDColumns labels;
  private final LazyDataset opened;
  private final LoaderSampler ownSampler;

  private LazyArrowDataset(Builder builder, Split split, LazyDataset opened, LoaderSampler own) {
    super(builder);
    this.split = split;
    Mixture mixture = builder.source.mixture();
    this.sources = mixture == null ? List.of(split) : mixture.sources();
    this.firstRows = new long[sources.size() + 1];
    for (int d = 0; d < sources.size(); d++) {
      firstRows[d + 1] = firstRows[d] + sources.get(d).size();
    }
    this.data = builder.dataColumns;
    this.labels = builder.labelColumns;
    this.opened = opened;
    this.ownSampler = own;
  }

  /** Returns a builder of datasets. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns row {@code index}: its data and label arrays, created by {@code manager}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws dev.lazyarrow.format.LazyArrowException if a shard is missing or corrupt
   * @throws IllegalStateException if a value has no array form (a null, a ragged ArrayND)
   */
  @Override
  public Record get(NDManager manager, long index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("row " + index + " outside 0.." + (size() - 1));
    }
    int d = source(index);
    TrainingBatch row = TrainingBatch.collate(sources.get(d), index - firstRows[d]);
    return new Record(data.arrays(manager, row, true), labels.arrays(manager, row, true));
  }

  /**
   * Returns the batches {@code sampler} orders, read by {@code executor} if not null. With the
   * default batchifiers and no pipeline, each batch is collated whole, one array per column; else
   * through {@link #get} and the batchifiers, as DJL does. Both give the same arrays.
   */
  @Override
  public Iterable<Batch> getData(NDManager manager, Sampler sampler, ExecutorService executor)
      throws IOException, TranslateException {
    if (pipeline != null
        || targetPipeline != null
        || !(dataBatchifier instanceof TokenBatchifier)
        || !(labelBatchifier instanceof TokenBatchifier)) {
      return super.getData(manager, sampler, executor);
    }
    return new CollatingIterable(
        this, manager, sampler, dataBatchifier, labelBatchifier, executor, prefetchNumber, device);
  }

  /**
   * Returns the data and label arrays of the rows {@code rows}, batched: over a mixture, those of
   * the loader's batch that {@code indices} lists.
   */
  NDList[] collate(NDManager manager, long[] rows, List<Long> indices) {
    TrainingBatch batch =
        sources.size() == 1
            ? TrainingBatch.collate(split, rows)
            : LoaderSampler.plannedBatch(indices);
    if (batch == null) {
      throw new IllegalStateException(
          "a mixture's batches come from its loader's LoaderSampler, not from "
              + indices.getClass().getName());
    }
    return new NDList[] {data.arrays(manager, batch, false), labels.arrays(manager, batch, false)};
  }

  /** Does nothing: everything a row needs is read when it is asked for. */
  @Override
  public void prepare(Progress progress) {}

  /** Returns the sampler that orders the batches: a {@link LoaderSampler} for loader sampling. */
  public Sampler sampler() {
    return sampler;
  }

  /** Returns the splits the rows come from: the split, or the mixture's sources in order. */
  List<Split> sources() {
    return sources;
  }

  /** Returns the split the rows come from; over a mixture, its first source. */
  public Split split() {
    return split;
  }

  @Override
  protected long availableSize() {
    return firstRows[sources.size()];
  }

  /** Returns the source that row {@code index} of the run lies in. */
  private int source(long index) {
    int d = Arrays.binarySearch(firstRows, index);
    // An exact hit is that source's first row: a mixture refuses empty sources.
    return d >= 0 ? d : -d - 2;
  }

  /** Closes the loader and the dataset directory this dataset opened, if any. */
  @Override
  public void close() {
    try {
      if (ownSampler != null) {
        ownSampler.close();
      }
    } finally {
      if (opened != null) {
        opened.close();
      }
    }
  }

  /**
   * A builder of {@link LazyArrowDataset}s: one split (an open {@link Split} or a directory and a
   * split name), its data and label columns, and the sampling (DJL's {@code setSampling(batchSize,
   * random)}, any DJL {@link ai.djl.training.dataset.Sampler}, or a LazyArrow loader with {@link
   * #setSampling(UnaryOperator)}). The data and label batchifiers default to one that pads token
   * columns per batch and stacks the other arrays.
   */
  public static final class Builder extends BaseBuilder<Builder> {
    private final SplitSource source = new SplitSource();
    private final List<String> dataNames = new ArrayList<>();
    private final List<String> labelNames = new ArrayList<>();
    private UnaryOperator<LoaderBuilder> loader;
    private int maxTokens = Integer.MAX_VALUE;
    private int padValue;
    private NDColumns dataColumns;
    private NDColumns labelColumns;

    private Builder() {
      // Null until set: build() then puts in the padding batchifier the columns call for.
      dataBatchifier = null;
      labelBatchifier = null;
    }

    /** Reads the rows of {@code split}, which stays open as long as the dataset is used. */
    public Builder setSplit(Split split) {
      source.setSplit(split);
      return this;
    }

    /**
     * Reads the rows of split {@code split} of the dataset directory {@code dir}, opened by build.
     */
    public Builder setDirectory(Path dir, String split) {
      source.setDirectory(dir, split);
      return this;
    }

    /**
     * Reads the rows of {@code mixture}'s sources, which stay open as long as the dataset is used,
     * in the batches of a loader over the mixture ({@link #setSampling(UnaryOperator)}).
     */
    public Builder setMixture(Mixture mixture) {
      source.setMixture(mixture);
      return this;
    }

    /** Adds {@code columns} to the data arrays, in that order. */
    public Builder addData(String... columns) {
      dataNames.addAll(Arrays.asList(columns));
      return this;
    }

    /** Adds {@code columns} to the label arrays, in that order. */
    public Builder addLabels(String... columns) {
      labelNames.addAll(Arrays.asList(columns));
      return this;
    }

    /**
     * Samples batches with a LazyArrow loader over the split, configured by {@code configure}: for
     * example {@code loader -> loader.shuffle(42).shard(rank, worldSize).batchSize(32)}, or {@code
     * loader -> loader.resume(state)} to continue a checkpoint. The dataset's {@link LoaderSampler}
     * then owns the loader; {@link LoaderSampler#stateAfter} gives a batch's state.
     */
    public Builder setSampling(UnaryOperator<LoaderBuilder> configure) {
      this.loader = Objects.requireNonNull(configure, "configure");
      return this;
    }

    /**
     * Truncates token columns to {@code maxLength} ids and pads them with {@code padValue}.
     *
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public Builder optTokens(int maxLength, int padValue) {
      if (maxLength <= 0) {
        throw new IllegalArgumentException("max length must be positive: " + maxLength);
      }
      this.maxTokens = maxLength;
      this.padValue = padValue;
      return this;
    }

    @Override
    protected Builder self() {
      return this;
    }

    /**
     * Returns the dataset, opening the directory if one was set.
     *
     * @throws IllegalStateException if no split, no column or no sampling was set, or two
     *     samplings, or a mixture is sampled by other than a {@link LoaderSampler}
     * @throws IllegalArgumentException if a column is missing, or has no NDArray form
     * @throws dev.lazyarrow.format.LazyArrowException if the directory is not a readable dataset
     */
    public LazyArrowDataset build() {
      source.requireSet();
      requireState(!dataNames.isEmpty(), "add at least one data column");
      requireState(
          sampler != null || loader != null,
          "set the sampling: setSampling(batchSize, random), a Sampler or a loader");
      requireState(
          sampler == null || loader == null, "two samplings were set: a Sampler and a loader");
      requireState(
          source.mixture() == null || loader != null || sampler instanceof LoaderSampler,
          "a mixture's batches come from its loader: setSampling(loader -> ...), not "
              + (sampler == null ? null : sampler.getClass().getName()));
      LazyDataset opened = source.open();
      LoaderSampler own = null;
      try {
        Split rows = source.split(opened);
        dataColumns = new NDColumns(rows, dataNames, maxTokens, padValue);
        labelColumns = new NDColumns(rows, labelNames, maxTokens, padValue);
        if (dataBatchifier == null) {
          dataBatchifier = new TokenBatchifier(dataColumns.tokenPositions(), padValue);
        }
        if (labelBatchifier == null) {
          labelBatchifier = new TokenBatchifier(labelColumns.tokenPositions(), padValue);
        }
        if (loader == null) {
          return new LazyArrowDataset(this, rows, opened, null);
        }
        own = new LoaderSampler(loader.apply(source.loader(opened)).build());
        // The base class takes the sampler from the builder; the builder keeps its own settings.
        sampler = own;
        try {
          return new LazyArrowDataset(this, rows, opened, own);
        } finally {
          sampler = null;
        }
      } catch (RuntimeException e) {
        if (own != null) {
          own.close();
        }
        if (opened != null) {
          opened.close();
        }
        throw e;
      }
    }
  }
}
