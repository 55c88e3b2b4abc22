package dev.lazyarrow.loader;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A loader's prefetch threads: started on first use, daemons, all joined by {@link #close}. */
final class Workers implements AutoCloseable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final int count;
  private final List<Thread> threads = new ArrayList<>();
  private ExecutorService pool;

  Workers(int count) {
    this.count = count;
  }

  /** Returns the pool, started now if need be. */
  synchronized ExecutorService pool() {
    if (pool == null) {
      pool =
          Executors.newFixedThreadPool(
              count,
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

  /** Stops the threads and waits for them, so that none outlives the loader. */
  @Override
  public synchronized void close() {
    if (pool == null) {
      return;
    }
    pool.shutdownNow();
    try {
      // A terminated pool's threads may still be on their way out: join them.
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
