package dev.lazyarrow.loader;

import dev.lazyarrow.Split;

/**
 * The batches of a training loop over one split, epoch after epoch, exactly resumable.
 *
 * <p>Each {@link #iterator()} runs the rest of the current epoch from the current position; when it
 * ends, the loader moves on to the next epoch, so {@code for (epoch...) for (batch : loader)}
 * trains epoch after epoch. {@link #state()} is the position after the last batch handed out; a
 * loader built with {@link LoaderBuilder#resume} from it yields exactly the batches that remained.
 * One iteration at a time; {@link #close} stops the prefetch threads.
 */
public interface Loader extends Iterable<TrainingBatch>, AutoCloseable {
  /**
   * Returns a builder of training-loop loaders over {@code split} (or a projection of it, made by
   * {@link Split#select}): order, sharding, batching, prefetch and resumption.
   */
  static LoaderBuilder newBuilder(Split split) {
    return LoaderBuilder.of(split);
  }

  /**
   * Returns a builder of loaders over {@code mixture}: each position of an epoch draws a row from
   * one of its sources (see {@link Mixture}); every option of a loader over one split applies but
   * the curriculum, and each batch tells which source each row came from ({@link
   * TrainingBatch#sources}).
   */
  static LoaderBuilder newBuilder(Mixture mixture) {
    return LoaderBuilder.of(mixture);
  }

  /** Returns the position after the last batch handed out, with the whole configuration. */
  LoaderState state();

  /**
   * Returns the rest of the current epoch like {@link #iterator()}, but without reading any row
   * ahead: a batch's rows are read only if asked for. The state advances as iterating does.
   */
  java.util.Iterator<TrainingBatch> plan();

  /** Returns the number of batches this rank reads in the current epoch from the start of it. */
  long batchesPerEpoch();

  /** Stops the background threads; an iteration in progress ends. */
  @Override
  void close();
}
