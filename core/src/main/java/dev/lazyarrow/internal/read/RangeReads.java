package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.DaemonPool;
import dev.lazyarrow.internal.ipc.BatchValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * Reads some rows of some record batches with positional reads, many in flight: the read path for
 * scattered rows of data that is not in the page cache.
 *
 * <p>Each batch's message metadata is read first (and kept, see {@link OpenShard#header}); then,
 * for every batch and selected column at once, on a pool of {@link #READERS} threads, the rows'
 * validity bits, offsets and values, level by level ({@link ColumnGather}). The rows of one batch
 * come back as a small record batch in allocator memory, with the shard's schema and dictionaries:
 * the selected columns hold the rows, in ascending order, the others are empty vectors. It is
 * validated like a mapped batch ({@link BatchValidator}) before anyone reads it.
 *
 * <p>A compressed batch, or a column of view type, cannot be read in parts: the selected columns'
 * buffers are read whole (one read per column) and decompressed, and the batch comes back with all
 * its rows.
 */
public final class RangeReads {
  /** The pool's threads; with the callers reading too, the reads in flight can be a few more. */
  static final int READERS = 32;

  /** A read of this few column tasks is done on the caller's thread when others read too. */
  private static final int SMALL_READ = 8;

  /** The reads in progress, on all threads. */
  private static final AtomicInteger READING = new AtomicInteger();

  private static final ThreadPoolExecutor POOL = DaemonPool.of("lazyarrow-range-read", READERS);

  private RangeReads() {}

  /**
   * Reads the rows of each request with positional reads, many in flight, never through the
   * mapping: the batch's metadata (kept, bounded, for the next read), then the rows' validity,
   * offsets and values of the columns at {@code columns} (schema positions) only, the values byte
   * for byte as in the file. Other columns come back as empty vectors. A compressed batch's
   * selected buffers are read whole and decompressed, and it comes back with every row. What is
   * read is validated like a loaded batch.
   *
   * @throws IllegalArgumentException if a request's rows are not ascending and inside its batch
   * @throws LazyArrowException naming the file if it changed since it was opened or what was read
   *     is corrupt; nothing read stays allocated
   */
  public static List<RowsRead> readRows(List<RowRequest> requests, int[] columns) {
    return read(requests, columns, true);
  }

  /**
   * Reads what {@link #readRows} would, and keeps none of it: the bytes land in the page cache,
   * where reading the rows afterwards finds them. Not validated beyond what sizes the reads.
   * Requests of remote objects are skipped: no page cache would keep what they fetched.
   *
   * @throws IllegalArgumentException if a request's rows are not ascending and inside its batch
   * @throws LazyArrowException naming the file if it changed or what was read is corrupt
   */
  public static void readRowsAhead(List<RowRequest> requests, int[] columns) {
    read(requests.stream().filter(r -> r.shard().state().channel != null).toList(), columns, false);
  }

  private static List<RowsRead> read(List<RowRequest> requests, int[] columns, boolean keep) {
    check(requests, columns);
    READING.incrementAndGet();
    try {
      return readChecked(requests, columns, keep);
    } finally {
      READING.decrementAndGet();
    }
  }

  private static List<RowsRead> readChecked(
      List<RowRequest> requests, int[] columns, boolean keep) {
    int[] sorted = columns.clone();
    Arrays.sort(sorted);
    int n = requests.size();
    RowsPlan[] plans = new RowsPlan[n];
    List<Callable<RowsPlan>> headers = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        RowRequest r = requests.get(i);
        OpenShard s = r.shard().state();
        RecordBatch kept = s.keptHeader(r.batch());
        int at = i;
        if (kept != null) {
          plans[i] = new RowsPlan(s, r, kept, sorted);
        } else {
          headers.add(() -> plans[at] = new RowsPlan(s, r, s.header(r.batch()), sorted));
        }
      }
      run(headers);
      List<Callable<RowsPlan>> reads = new ArrayList<>();
      for (RowsPlan p : plans) {
        for (int c = 0; c < sorted.length; c++) {
          int column = c;
          reads.add(
              () -> {
                p.read(column);
                return p;
              });
        }
      }
      run(reads);
      if (!keep) {
        return List.of();
      }
      List<RowsRead> out = new ArrayList<>(n);
      try {
        for (RowsPlan p : plans) {
          out.add(p.load());
        }
      } catch (RuntimeException e) {
        out.forEach(r -> r.batch().root().close());
        throw e;
      }
      return out;
    } finally {
      for (RowsPlan p : plans) {
        if (p != null) {
          p.release();
        }
      }
    }
  }

  private static void check(List<RowRequest> requests, int[] columns) {
    Set<ShardFile> unchanged = new HashSet<>();
    for (RowRequest r : requests) {
      OpenShard s = r.shard().state();
      if (unchanged.add(r.shard())) {
        s.checkUnchanged();
      }
      Objects.checkIndex(r.batch(), s.blocks.batchBlocks().size());
      long rows = s.rows(r.batch());
      int[] local = r.rows();
      for (int i = 0; i < local.length; i++) {
        if (local[i] < 0 || local[i] >= rows || (i > 0 && local[i] <= local[i - 1])) {
          throw new IllegalArgumentException(
              "rows must ascend inside 0.." + (rows - 1) + ": " + Arrays.toString(local));
        }
      }
      for (int c : columns) {
        Objects.checkIndex(c, s.schema.getFields().size());
      }
    }
  }

  /**
   * Runs {@code tasks}, which keep what they read where the caller releases it, on the pool (the
   * caller's thread if there is one task) and waits for all of them before it throws the first
   * fault: a task abandoned while running would leak the buffers it is filling.
   */
  static <T> void run(List<Callable<T>> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    List<FutureTask<T>> futures = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      futures.add(new FutureTask<>(task));
    }
    // A pool with work queued is saturated, and a small read while other threads read gains little
    // from it: handing it those would only add thread switches, so the caller reads its own.
    boolean inline =
        !POOL.getQueue().isEmpty() || (tasks.size() <= SMALL_READ && READING.get() > 1);
    for (int i = 1; i < futures.size() && !inline; i++) {
      POOL.execute(futures.get(i));
    }
    // The caller reads too, from the end, while the pool takes from the start: a task already
    // started by the other side is skipped (FutureTask runs once).
    futures.get(0).run();
    for (int i = futures.size() - 1; i > 0; i--) {
      futures.get(i).run();
    }
    RuntimeException first = null;
    boolean interrupted = false;
    for (Future<T> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the reads own buffers: they are waited for, then the flag is set
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException re
                  ? re
                  : new IllegalStateException(e.getCause());
          if (first == null) {
            first = cause;
          } else if (first != cause) {
            first.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }
}
