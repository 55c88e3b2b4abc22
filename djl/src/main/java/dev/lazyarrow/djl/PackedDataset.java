package dev.lazyarrow.djl;

import static dev.lazyarrow.djl.SplitSource.requireState;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.util.Progress;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.PackedLoaderBuilder;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * A DJL {@link Dataset} of packed pretraining samples: {@code trainer.iterateDataset(dataset)}
 * gives the batches of a LazyArrow {@link PackedLoader} as NDArrays, one epoch (or what remains of
 * it) per call.
 *
 * <pre>{@code
 * try (PackedDataset train = PackedDataset.builder()
 *     .setDirectory(Path.of("corpus"), "train")
 *     .setPacking(loader -> loader.shuffle(42).batchSize(8).prefetch(2)
 *         .pack(2048, "input_ids").eod(eosId))
 *     .build()) {
 *   for (Batch batch : trainer.iterateDataset(train)) {
 *     EasyTrain.trainBatch(trainer, batch);
 *     trainer.step();
 *     String checkpoint = PackedDataset.stateAfter(batch).toJson();
 *     batch.close();
 *   }
 * }
 * }</pre>
 *
 * <p>A batch of {@code B} samples of {@code seqLen} inputs holds the data arrays {@code input_ids},
 * {@code position_ids} and {@code segment_ids} and the label arrays {@code labels} (all int32) and
 * {@code loss_mask} (float32, 1 where the label counts), all {@code (B, seqLen)}, as {@link
 * PackedBatch} gives them; {@code batch.getIndices()} lists the batch's epoch sample numbers. They
 * are copied out of the loader's reused buffers once, into memory of the batch's own that the
 * engine adopts, so a batch stays valid until it is closed.
 *
 * <p>Batches are not read ahead by DJL: the loader's own {@code prefetch} packs them on its threads
 * meanwhile, so the loader's state after a batch is where training stands once that batch is
 * trained, and a run resumes exactly from {@link #stateAfter(Batch)}. This is a {@code Dataset},
 * not a {@code RandomAccessDataset}: a packed sample is made on the fly from pieces of documents in
 * the epoch's order, so samples come in the loader's batches and no DJL {@code Sampler} applies.
 *
 * <p>Over a {@link Mixture} ({@link Builder#setMixture}) each sample is drawn from one source, as
 * the mixture's packed loader draws it; {@link #sources(Batch)} tells which.
 */
public final class PackedDataset implements Dataset, AutoCloseable {
  private final PackedLoader loader;
  private final LazyDataset opened;

  private PackedDataset(PackedLoader loader, LazyDataset opened) {
    this.loader = loader;
    this.opened = opened;
  }

  /** Returns a builder of packed datasets. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the state after {@code batch}: where training stands once it has been trained on.
   *
   * @throws IllegalArgumentException if {@code batch} did not come from a {@code PackedDataset}, or
   *     was split from such a batch
   */
  public static LoaderState stateAfter(Batch batch) {
    return samples(batch).after();
  }

  /**
   * Returns which source each sample of {@code batch} came from, in batch order: its position in
   * the loader's mixture, or 0 for every sample of a loader over one split.
   *
   * @throws IllegalArgumentException if {@code batch} did not come from a {@code PackedDataset}, or
   *     was split from such a batch
   */
  public static int[] sources(Batch batch) {
    return samples(batch).sources();
  }

  /**
   * Returns the rest of the loader's current epoch, each batch's arrays created by a sub-manager
   * of {@code manager} that closing the batch closes; when the iteration ends the loader moves on
   * to the next epoch.
   */
  @Override
  public Iterable<Batch> getData(NDManager manager) {
    Objects.requireNonNull(manager, "manager");
    return () -> batches(manager);
  }

  /** Does nothing: an epoch's packing is planned when its iteration starts. */
  @Override
  public void prepare(Progress progress) {}

  /** Returns the state after the last batch handed out. */
  public LoaderState state() {
    return loader.state();
  }

  /** Returns the samples of the current epoch, all ranks together. */
  public long samplesPerEpoch() {
    return loader.samplesPerEpoch();
  }

  /** Returns the number of batches this rank reads in the current epoch from its start. */
  public long batchesPerEpoch() {
    return loader.batchesPerEpoch();
  }

  /** Closes the loader and the dataset directory this dataset opened, if any. */
  @Override
  public void close() {
    try {
      loader.close();
    } finally {
      if (opened != null) {
        opened.close();
      }
    }
  }

  private static PackedArrays.Samples samples(Batch batch) {
    if (!(batch.getIndices() instanceof PackedArrays.Samples samples)) {
      throw new IllegalArgumentException(
          "the batch did not come from a PackedDataset (or was split from one): its indices are "
              + (batch.getIndices() == null ? "missing" : batch.getIndices().getClass().getName()));
    }
    return samples;
  }

  private Iterator<Batch> batches(NDManager manager) {
    Iterator<PackedBatch> packed = loader.iterator();
    long total = loader.batchesPerEpoch();
    return new Iterator<>() {
      private long progress;

      @Override
      public boolean hasNext() {
        return packed.hasNext();
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the epoch has no batch left");
        }
        PackedBatch batch = packed.next();
        return PackedArrays.batch(manager, batch, loader.state(), ++progress, total);
      }
    };
  }

  /**
   * A builder of {@link PackedDataset}s: one split (an open {@link Split} or a directory and a
   * split name) or a {@link Mixture} of splits, and its packed loader.
   */
  public static final class Builder {
    private final SplitSource source = new SplitSource();
    private Function<LoaderBuilder, PackedLoaderBuilder> packing;

    private Builder() {}

    /** Reads the documents of {@code split}, which stays open as long as the dataset is used. */
    public Builder setSplit(Split split) {
      source.setSplit(split);
      return this;
    }

    /** Reads split {@code split} of the dataset directory {@code dir}, opened by build. */
    public Builder setDirectory(Path dir, String split) {
      source.setDirectory(dir, split);
      return this;
    }

    /**
     * Reads the documents of {@code mixture}'s sources, which stay open as long as the dataset is
     * used; each sample is packed from one source's documents, as the mixture draws it.
     */
    public Builder setMixture(Mixture mixture) {
      source.setMixture(mixture);
      return this;
    }

    /**
     * Packs the split (or the mixture) with the loader {@code configure} makes of a loader builder
     * over it: for example {@code loader -> loader.shuffle(42).shard(rank, worldSize).batchSize(8)
     * .prefetch(2).pack(2048, "input_ids").eod(eosId)}, or {@code loader -> loader.resume(state)
     * .pack(2048, "input_ids").eod(eosId)} to continue a checkpoint. The loader writes into direct
     * buffers.
     */
    public Builder setPacking(Function<LoaderBuilder, PackedLoaderBuilder> configure) {
      this.packing = Objects.requireNonNull(configure, "configure");
      return this;
    }

    /**
     * Returns the dataset, opening the directory if one was set.
     *
     * @throws IllegalStateException if no split, mixture or packing was set, or the packing
     *     returned null
     * @throws IllegalArgumentException if the loader refuses its configuration
     * @throws dev.lazyarrow.format.LazyArrowException if the directory is not a readable dataset
     */
    public PackedDataset build() {
      source.requireSet();
      requireState(packing != null, "set the packing: setPacking(loader -> loader.pack(...))");
      LazyDataset opened = source.open();
      try {
        PackedLoaderBuilder packed = packing.apply(source.loader(opened));
        requireState(packed != null, "the packing returned no PackedLoaderBuilder");
        return new PackedDataset(packed.directBuffers().build(), opened);
      } catch (RuntimeException e) {
        if (opened != null) {
          opened.close();
        }
        throw e;
      }
    }
  }
}
