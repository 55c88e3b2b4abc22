package dev.lazyarrow.loader;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;

/**
 * Hands out this rank's rounds of one epoch from {@code source}, moving the loader's state after
 * each: to the global batches consumed so far, and to the next epoch once the last is handed out or
 * the iteration finds none left.
 */
final class EpochRounds<T> implements Iterator<T> {
  private final LoaderState start;
  private final Partition partition;
  private final Iterator<T> source;
  private final Consumer<LoaderState> moved;
  private final long rounds;
  private long handedOut;
  private boolean finished;

  EpochRounds(
      LoaderState start, Partition partition, Iterator<T> source, Consumer<LoaderState> moved) {
    this.start = start;
    this.partition = partition;
    this.source = source;
    this.moved = moved;
    this.rounds = partition.rounds();
  }

  /**
   * Returns rounds {@code 0..rounds-1} produced on the calling thread, in order, {@code handingOut}
   * told of each round before it is produced.
   */
  static <T> Iterator<T> inOrder(long rounds, LongFunction<T> produce, LongConsumer handingOut) {
    return new Iterator<>() {
      private long round;

      @Override
      public boolean hasNext() {
        return round < rounds;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException("all " + rounds + " rounds were produced");
        }
        handingOut.accept(round);
        return produce.apply(round++);
      }
    };
  }

  @Override
  public boolean hasNext() {
    if (handedOut < rounds) {
      return true;
    }
    finish();
    return false;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("epoch " + start.epoch() + " is over");
    }
    T item = source.next();
    handedOut++;
    if (handedOut == rounds) {
      finish();
    } else {
      moved.accept(start.at(start.epoch(), partition.consumedAfter(handedOut)));
    }
    return item;
  }

  private void finish() {
    if (!finished) {
      finished = true;
      moved.accept(start.at(start.epoch() + 1, 0));
    }
  }
}
