package dev.lazyarrow.loader;

import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The loader of one split or a mixture's sources: plans each epoch (order, global batches, this
 * rank's share), then reads the planned rows, optionally ahead on background threads.
 */
final class SplitLoader implements Loader {
  /** The rows read, through the columns the batches read (the split, or its projection). */
  private final Sources sources;

  private final Orders orders;
  private final int prefetch;
  private final Workers workers;
  private volatile LoaderState state;
  private Epoch planned;

  SplitLoader(Sources sources, LoaderState state, int prefetch, int workers) {
    this.sources = sources;
    this.orders = new Orders(sources);
    this.state = state;
    this.prefetch = prefetch;
    this.workers = new Workers(workers);
  }

  @Override
  public LoaderState state() {
    return state;
  }

  @Override
  public long batchesPerEpoch() {
    LoaderState s = state;
    return Partition.of(plan(s.epoch()).plan().count(), s, 0).rounds();
  }

  /**
   * Checks that the state's step lies within its epoch's global batches: a state resumed from a
   * file may claim any step, and one beyond the epoch would silently yield nothing.
   */
  void requireStepInEpoch() {
    Partition.requireStepWithin(plan(state.epoch()).plan().count(), state, "");
  }

  @Override
  public Iterator<TrainingBatch> iterator() {
    if (prefetch == 0) {
      // Collation on the trainer's own thread gains nothing by being early: leave it to the calls,
      // but read the coming batches' rows ahead, so that their reads are in flight meanwhile.
      return iterate(batch -> {}, -1);
    }
    if (!sources.isProjection()) {
      return iterate(TrainingBatch::rows, prefetch);
    }
    List<String> columns = sources.columnNames();
    return iterate(batch -> batch.prepare(columns), prefetch);
  }

  @Override
  public Iterator<TrainingBatch> plan() {
    return iterate(batch -> {}, 0);
  }

  @Override
  public void close() {
    workers.close();
  }

  /** The plan of one epoch: its order and its global batches. */
  private record Epoch(int number, Sampler order, BatchPlan plan) {}

  /**
   * Iterates the rest of the epoch, running {@code prepare} on each batch before handing it out:
   * {@code ahead} batches prepared ahead on the loader's threads, or none if 0, or, if -1, none but
   * with the coming batches' rows read ahead ({@link ReadAhead}).
   */
  private Iterator<TrainingBatch> iterate(Consumer<TrainingBatch> prepare, int ahead) {
    LoaderState start = state;
    if (start.epoch() == LoaderBuilder.LAST_EPOCH) {
      throw new IllegalStateException(
          "epoch " + start.epoch() + " is the last an int counts; no loader reads it");
    }
    Epoch epoch = plan(start.epoch());
    Partition partition = Partition.of(epoch.plan().count(), start, start.step());
    long rounds = partition.rounds();
    LongFunction<TrainingBatch> produce =
        round -> {
          long batch = partition.batch(round);
          long[] positions = epoch.plan().positions(batch);
          long[] indices = new long[positions.length];
          for (int i = 0; i < indices.length; i++) {
            indices[i] = epoch.order().row(positions[i]);
          }
          TrainingBatch training = sources.batch(epoch.number(), batch, indices);
          prepare.accept(training);
          return training;
        };
    ReadAhead readAhead =
        ahead < 0
            ? new ReadAhead(
                sources::readAhead,
                rounds,
                round -> {
                  long[] positions = epoch.plan().positions(partition.batch(round));
                  long[] indices = new long[positions.length];
                  for (int i = 0; i < indices.length; i++) {
                    indices[i] = epoch.order().row(positions[i]);
                  }
                  return indices;
                })
            : null;
    Iterator<TrainingBatch> source =
        ahead > 0
            ? new Prefetcher<>(rounds, produce, ahead, workers.pool())
            : EpochRounds.inOrder(
                rounds, produce, readAhead == null ? round -> {} : readAhead::handingOut);
    return new EpochRounds<>(start, partition, source, moved -> state = moved);
  }

  /**
   * Returns the plan of epoch {@code number}, kept from the last call: the loop asks for the
   * batches of an epoch and then iterates it, and a token-budget plan costs a pass over all rows.
   */
  private synchronized Epoch plan(int number) {
    Epoch last = planned;
    if (last != null && last.number() == number) {
      return last;
    }
    LoaderState s = state;
    Sampler order = orders.order(s, number);
    BatchPlan plan =
        s.tokenBudget() > 0
            ? BatchPlan.byTokens(
                order,
                orders.lengths(s.lengthColumn()),
                s.tokenBudget(),
                s.paddedBudget(),
                s.bucketWindow(),
                s.seed(),
                number)
            : BatchPlan.fixed(order.size(), s.batchSize(), s.dropLast(), s.worldSize() > 1);
    planned = new Epoch(number, order, plan);
    return planned;
  }
}
