package dev.lazyarrow.internal.bytes;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread pools of daemon threads that end when idle, shared by every dataset of the JVM. */
public final class DaemonPool {
  private DaemonPool() {}

  /**
   * Returns a pool of at most {@code threads} daemon threads named {@code name-N}, each ending
   * after 10 s idle: no thread outlives its work, so nothing has to close the pool.
   */
  public static ThreadPoolExecutor of(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = new Thread(task, name + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
