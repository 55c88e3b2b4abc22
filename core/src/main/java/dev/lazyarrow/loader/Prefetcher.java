package dev.lazyarrow.loader;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongFunction;

/**
 * Produces items {@code 0..count-1} in order, up to {@code depth} of them ahead on a thread pool.
 *
 * <p>A failure while producing an item is thrown to the consumer when it reaches that item, with
 * the original exception; items after it are not produced.
 */
final class Prefetcher<T> implements Iterator<T> {
  private final long count;
  private final LongFunction<T> produce;
  private final int depth;
  private final ExecutorService pool;
  private final ArrayDeque<Future<T>> ahead = new ArrayDeque<>();
  private long submitted;
  private long consumed;

  Prefetcher(long count, LongFunction<T> produce, int depth, ExecutorService pool) {
    this.count = count;
    this.produce = produce;
    this.depth = depth;
    this.pool = pool;
  }

  @Override
  public boolean hasNext() {
    return consumed < count;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("all " + count + " items were consumed");
    }
    while (submitted < count && ahead.size() < depth) {
      long item = submitted++;
      ahead.add(pool.submit(() -> produce.apply(item)));
    }
    Future<T> future = ahead.poll();
    try {
      T value = future.get();
      consumed++;
      return value;
    } catch (ExecutionException e) {
      cancel();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("prefetch failed", cause);
    } catch (InterruptedException e) {
      cancel();
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for a prefetched batch");
    }
  }

  /** Cancels the items produced ahead; the iterator is finished. */
  void cancel() {
    ahead.forEach(f -> f.cancel(true));
    ahead.clear();
    consumed = count;
  }
}
