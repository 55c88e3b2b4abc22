package dev.lazyarrow.loader;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The loader of one split or a mixture's sources: plans each epoch (order, global batches, this
 * rank's share), then reads the planned rows, optionally ahead on background threads.
 */
final class SplitLoader implements Loader {
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** The rows read, through the columns the batches read (the split, or its projection). */
  private final Sources sources;

  private final int prefetch;
  private final int workers;
  private volatile LoaderState state;
  private ExecutorService pool;
  private final List<Thread> threads = new ArrayList<>();
  private int[] lengths;
  private double[] scores;
  private Epoch planned;

  SplitLoader(Sources sources, LoaderState state, int prefetch, int workers) {
    this.sources = sources;
    this.state = state;
    this.prefetch = prefetch;
    this.workers = workers;
  }

  @Override
  public LoaderState state() {
    return state;
  }

  @Override
  public long batchesPerEpoch() {
    LoaderState s = state;
    return partition(s, plan(s.epoch()), 0).rounds();
  }

  /**
   * Checks that the state's step lies within its epoch's global batches: a state resumed from a
   * file may claim any step, and one beyond the epoch would silently yield nothing.
   */
  void requireStepInEpoch() {
    LoaderState s = state;
    long batches = plan(s.epoch()).plan().count();
    if (s.step() > batches) {
      throw new IllegalArgumentException(
          "the state's step must not exceed epoch "
              + s.epoch()
              + "'s "
              + batches
              + " global batches, found "
              + s.step());
    }
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
  public synchronized void close() {
    if (pool != null) {
      pool.shutdownNow();
      try {
        // A terminated pool's threads may still be on their way out: join them, so none outlives
        // close().
        for (Thread thread : threads) {
          thread.join(TimeUnit.SECONDS.toMillis(30));
          if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 30 s");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      threads.clear();
      pool = null;
    }
  }

  /** The plan of one epoch: its order and its global batches. */
  private record Epoch(int number, Sampler order, BatchPlan plan) {}

  /**
   * Iterates the rest of the epoch, running {@code prepare} on each batch before handing it out:
   * {@code ahead} batches prepared ahead on the loader's threads, or none if 0, or, if -1, none but
   * with the coming batches' rows read ahead ({@link ReadAhead}).
   */
  private Iterator<TrainingBatch> iterate(
      java.util.function.Consumer<TrainingBatch> prepare, int ahead) {
    LoaderState start = state;
    if (start.epoch() == LoaderBuilder.LAST_EPOCH) {
      throw new IllegalStateException(
          "epoch " + start.epoch() + " is the last an int counts; no loader reads it");
    }
    Epoch epoch = plan(start.epoch());
    Partition partition = partition(start, epoch, start.step());
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
            ? new Prefetcher<>(rounds, produce, ahead, pool())
            : new Iterator<>() {
              private long round;

              @Override
              public boolean hasNext() {
                return round < rounds;
              }

              @Override
              public TrainingBatch next() {
                if (readAhead != null) {
                  readAhead.handingOut(round);
                }
                return produce.apply(round++);
              }
            };
    return new Iterator<>() {
      private long handedOut;
      private boolean finished;

      @Override
      public boolean hasNext() {
        if (handedOut < rounds) {
          return true;
        }
        finish();
        return false;
      }

      @Override
      public TrainingBatch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("epoch " + start.epoch() + " is over");
        }
        TrainingBatch item = source.next();
        handedOut++;
        if (handedOut == rounds) {
          finish();
        } else {
          state = start.at(start.epoch(), partition.consumedAfter(handedOut));
        }
        return item;
      }

      private void finish() {
        if (!finished) {
          finished = true;
          state = start.at(start.epoch() + 1, 0);
        }
      }
    };
  }

  private Partition partition(LoaderState s, Epoch epoch, long step) {
    return new Partition(epoch.plan().count(), step, s.rank(), s.worldSize(), s.dropLast());
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
    Sampler order = order(s, number);
    BatchPlan plan =
        s.tokenBudget() > 0
            ? BatchPlan.byTokens(
                order,
                lengths(s.lengthColumn()),
                s.tokenBudget(),
                s.paddedBudget(),
                s.bucketWindow(),
                s.seed(),
                number)
            : BatchPlan.fixed(order.size(), s.batchSize(), s.dropLast(), s.worldSize() > 1);
    planned = new Epoch(number, order, plan);
    return planned;
  }

  private Sampler order(LoaderState s, int epoch) {
    if (s.curriculumColumn() != null && epoch < s.curriculumEpochs()) {
      return Curriculum.sampler(
          scores(s.curriculumColumn()),
          s.pacing().fraction(epoch, s.curriculumEpochs(), s.pacingStart()),
          s.seed(),
          epoch);
    }
    return sources.order(s, epoch);
  }

  private synchronized int[] lengths(String column) {
    if (lengths == null) {
      lengths = sources.lengths(column);
    }
    return lengths;
  }

  private synchronized double[] scores(String column) {
    if (scores == null) {
      scores = ColumnScan.scores(sources.split(0), column);
    }
    return scores;
  }

  private synchronized ExecutorService pool() {
    if (pool == null) {
      pool =
          Executors.newFixedThreadPool(
              workers,
              task -> {
                Thread thread = new Thread(task, "lazyarrow-prefetch-" + THREADS.incrementAndGet());
                thread.setDaemon(true);
                synchronized (this) {
                  threads.add(thread);
                }
                return thread;
              });
    }
    return pool;
  }
}
