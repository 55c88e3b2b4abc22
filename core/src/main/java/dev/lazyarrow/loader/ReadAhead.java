package dev.lazyarrow.loader;

import dev.lazyarrow.internal.bytes.DaemonPool;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.ToIntFunction;

/**
 * Reads the rows of a loader's coming batches ahead, on the loader's thread, while the trainer
 * works on the current one: a shuffled loader knows its future, and rows read by ranges ({@link
 * dev.lazyarrow.ReadMode}) from a cold disk then wait for the device in the background, many reads
 * in flight, instead of in the trainer's collation.
 *
 * <p>Up to {@link #ROWS} rows are read ahead (at least the next batch). What is read is not kept:
 * it lands in the page cache, which the kernel bounds, and the collation's own reads find it there;
 * a batch the trainer reached before its read-ahead started is skipped. Rows of record batches read
 * through the mapping are not read ahead; while the last batch read ahead had none to read (warm
 * data), only every {@link #PROBE}th batch is looked at, so that mapped reading pays next to
 * nothing for it.
 */
final class ReadAhead {
  /** The most rows read ahead of the batch handed out. */
  static final long ROWS = 4096;

  /** The threads reading ahead for all loaders; each read-ahead has its reads in flight too. */
  static final int THREADS = 2;

  /** While nothing needs reading ahead, one batch in this many is looked at. */
  static final int PROBE = 16;

  private final ToIntFunction<long[]> reader;
  private final long rounds;
  private final LongFunction<long[]> rows;

  /**
   * The threads that read ahead, shared by every loader and gone when idle, so that a loader
   * without prefetch owns no thread its caller must close.
   */
  private static final ThreadPoolExecutor POOL = DaemonPool.of("lazyarrow-read-ahead", THREADS);

  private final AtomicLong handedOut = new AtomicLong(-1);

  /** The rows of each batch read ahead and not yet handed out, by round. */
  private final ArrayDeque<long[]> ahead = new ArrayDeque<>();

  private volatile boolean idle;
  private long submitted;
  private long rowsAhead;

  /**
   * Reads ahead the rows that {@code rows} gives for each round, with {@code reader} (a split's
   * {@link dev.lazyarrow.Split#readAhead}), which returns how many needed reading.
   */
  ReadAhead(ToIntFunction<long[]> reader, long rounds, LongFunction<long[]> rows) {
    this.reader = reader;
    this.rounds = rounds;
    this.rows = rows;
  }

  /** Notes that batch {@code round} is being handed out and reads the batches after it ahead. */
  void handingOut(long round) {
    handedOut.set(round);
    while (!ahead.isEmpty() && ahead.peek()[0] <= round) {
      rowsAhead -= ahead.poll()[1];
    }
    submitted = Math.max(submitted, round + 1);
    boolean quiet = idle;
    while (submitted < rounds && (submitted == round + 1 || (!quiet && rowsAhead < ROWS))) {
      long next = submitted++;
      if (quiet && next % PROBE != 0) {
        continue; // nothing to read lately: not even the rows are worked out
      }
      long[] indices = rows.apply(next);
      ahead.add(new long[] {next, indices.length});
      rowsAhead += indices.length;
      POOL.execute(() -> read(next, indices));
    }
  }

  private void read(long round, long[] indices) {
    if (handedOut.get() >= round) {
      return; // the trainer got there first
    }
    try {
      idle = reader.applyAsInt(indices) == 0;
    } catch (RuntimeException e) {
      // Only a hint: the trainer's own read of these rows reports what is wrong with them.
    }
  }
}
