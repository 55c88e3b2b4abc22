package dev.lazyarrow.djl;

import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.MixtureState;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.AbstractList;
import java.util.ArrayList;
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
 *
 * <p>Over a {@link dev.lazyarrow.loader.Mixture}, the rows of the sources are numbered as one run,
 * source after source: row {@code r} of source {@code d} is index {@code r} plus the rows of the
 * sources before {@code d}, which is how {@link LazyArrowDataset} over the same mixture reads them
 * ({@code batch.getIndices()} holds those indices), and {@link #sources(Batch)} tells each row's
 * source.
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
    return planned(batch).after;
  }

  /**
   * Returns which source each row of {@code batch} came from, in batch order: its position in the
   * loader's mixture, or 0 for every row of a loader over one split.
   *
   * @throws IllegalArgumentException if {@code batch} was not sampled by a {@code LoaderSampler},
   *     or was split from such a batch
   */
  public static int[] sources(Batch batch) {
    return planned(batch).batch.sources();
  }

  /** Returns the loader's batch {@code indices} lists, or null if no LoaderSampler made them. */
  static TrainingBatch plannedBatch(List<Long> indices) {
    return indices instanceof PlannedBatch planned ? planned.batch : null;
  }

  private static PlannedBatch planned(Batch batch) {
    if (!(batch.getIndices() instanceof PlannedBatch planned)) {
      throw new IllegalArgumentException(
          "the batch was not sampled by a LoaderSampler (or was split from one): its indices are "
              + (batch.getIndices() == null ? "missing" : batch.getIndices().getClass().getName()));
    }
    return planned;
  }

  /**
   * Returns the rest of the loader's current epoch as lists of row indices: of the split, or of the
   * mixture's sources numbered as one run.
   *
   * @throws IllegalArgumentException if {@code dataset} does not have as many rows as the loader's
   *     split or mixture (a dataset with {@code optLimit}, or over other rows)
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
    if (dataset instanceof LazyArrowDataset lazy) {
      requireSameSources(lazy.sources(), loader.state());
    }
    long[] firstRows = firstRows(loader.state());
    Iterator<TrainingBatch> plan = loader.plan();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return plan.hasNext();
      }

      @Override
      public List<Long> next() {
        TrainingBatch batch = plan.next();
        long[] indices = batch.indices();
        if (firstRows != null) {
          int[] sources = batch.sources();
          for (int i = 0; i < indices.length; i++) {
            indices[i] += firstRows[sources[i]];
          }
        }
        return new PlannedBatch(indices, batch, loader.state());
      }
    };
  }

  /**
   * Checks that {@code splits}, a dataset's sources, are the sources of the loader's mixture by
   * name and rows, one by one: equal totals alone would let a dataset over other sources read the
   * wrong rows.
   */
  private static void requireSameSources(List<Split> splits, LoaderState state) {
    if (state.mixture() == null) {
      return;
    }
    List<String> ours = new ArrayList<>();
    for (MixtureState.Source source : state.mixture().sources()) {
      ours.add(source.split() + " (" + source.rows() + " rows)");
    }
    List<String> theirs = new ArrayList<>();
    for (Split split : splits) {
      theirs.add(split.name() + " (" + split.size() + " rows)");
    }
    if (!ours.equals(theirs)) {
      throw new IllegalArgumentException(
          "the loader plans the rows of the sources " + ours + "; the dataset reads " + theirs);
    }
  }

  /** Returns the run index of each source's first row in a mixture, or null for one split. */
  private static long[] firstRows(LoaderState state) {
    if (state.mixture() == null) {
      return null;
    }
    List<MixtureState.Source> sources = state.mixture().sources();
    long[] first = new long[sources.size()];
    for (int d = 1; d < first.length; d++) {
      first[d] = first[d - 1] + sources.get(d - 1).rows();
    }
    return first;
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

  /** One batch's row indices, with the loader's batch they come from and its state after it. */
  private static final class PlannedBatch extends AbstractList<Long> implements RandomAccess {
    private final long[] indices;
    private final TrainingBatch batch;
    private final LoaderState after;

    PlannedBatch(long[] indices, TrainingBatch batch, LoaderState after) {
      this.indices = indices;
      this.batch = batch;
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
