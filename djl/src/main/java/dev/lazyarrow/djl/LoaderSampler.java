package dev.lazyarrow.djl;

import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.AbstractList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * A DJL {@link Sampler} that hands out the batches of a LazyArrow {@link Loader}'s plan: its order
 * (sequential, global shuffle, block shuffle, curriculum), this rank's share, fixed sizes or token
 * budgets, and its exact resumption.
 *
 * <p>Each {@link #sample} call is one epoch, or what remains of it: it continues from the position
 * after the last batch handed out, which is how {@code trainer.iterateDataset} is called once per
 * epoch. DJL reads a few batches ahead of the training step (its prefetch), so the loader's own
 * state runs ahead of training. A checkpoint therefore saves {@link #stateAfter(Batch)} of the last
 * batch trained, and a run resumes from it with {@code Loader.newBuilder(split).resume(state)}:
 *
 * <pre>{@code
 * for (Batch batch : trainer.iterateDataset(dataset)) {
 *   EasyTrain.trainBatch(trainer, batch);
 *   trainer.step();
 *   String checkpoint = LoaderSampler.stateAfter(batch).toJson(); // save with the parameters
 *   batch.close();
 * }
 * }</pre>
 *
 * <p>Leaving an epoch early loses the batches DJL had read ahead; resume from the saved state
 * instead. The sampler owns its loader: {@link #close} closes it.
 */
public final class LoaderSampler implements Sampler, AutoCloseable {
  private final Loader loader;

  /**
   * Creates a sampler over {@code loader}'s batches. It reads no rows, only plans: DJL reads them
   * ({@code optPrefetchNumber} with an executor), so the loader needs no prefetch of its own.
   */
  public LoaderSampler(Loader loader) {
    this.loader = Objects.requireNonNull(loader, "loader");
  }

  /**
   * Returns the state after {@code batch}: where training stands once it has been trained on.
   *
   * @throws IllegalArgumentException if {@code batch} was not sampled by a {@code LoaderSampler},
   *     or was split from such a batch
   */
  public static LoaderState stateAfter(Batch batch) {
    if (!(batch.getIndices() instanceof PlannedBatch planned)) {
      throw new IllegalArgumentException(
          "the batch was not sampled by a LoaderSampler (or was split from one): its indices are "
              + (batch.getIndices() == null ? "missing" : batch.getIndices().getClass().getName()));
    }
    return planned.after;
  }

  /**
   * Returns the rest of the loader's current epoch as lists of split row indices.
   *
   * @throws IllegalArgumentException if {@code dataset} does not have as many rows as the loader's
   *     split (a dataset with {@code optLimit}, or over another split)
   */
  @Override
  public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
    long rows = loader.state().rows();
    if (dataset.size() != rows) {
      throw new IllegalArgumentException(
          "the loader plans a split of "
              + rows
              + " rows; the dataset must have as many (no optLimit), found "
              + dataset.size());
    }
    Iterator<TrainingBatch> plan = loader.plan();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return plan.hasNext();
      }

      @Override
      public List<Long> next() {
        long[] indices = plan.next().indices();
        return new PlannedBatch(indices, loader.state());
      }
    };
  }

  /** Returns the loader's batch size, or -1 if batches are bounded by a token budget. */
  @Override
  public int getBatchSize() {
    LoaderState state = loader.state();
    return state.tokenBudget() > 0 ? -1 : state.batchSize();
  }

  /** Returns the number of batches of the current epoch, counted from its start, on this rank. */
  public long batchesPerEpoch() {
    return loader.batchesPerEpoch();
  }

  /**
   * Returns the state after the last batch handed out to DJL, which may be ahead of the last batch
   * trained; checkpoint {@link #stateAfter(Batch)} instead.
   */
  public LoaderState state() {
    return loader.state();
  }

  /** Closes the loader. */
  @Override
  public void close() {
    loader.close();
  }

  /** One batch's split row indices, with the loader's state after it. */
  private static final class PlannedBatch extends AbstractList<Long> implements RandomAccess {
    private final long[] indices;
    private final LoaderState after;

    PlannedBatch(long[] indices, LoaderState after) {
      this.indices = indices;
      this.after = after;
    }

    @Override
    public Long get(int i) {
      return indices[i];
    }

    @Override
    public int size() {
      return indices.length;
    }
  }
}
