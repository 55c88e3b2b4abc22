package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.internal.read.ShardFile;

/**
 * The record batches that one of a packed loader's batch buffers copies tokens from, held from
 * batch to batch of an iteration: a shuffled batch of samples touches a few dozen record batches,
 * and a held one costs an array read where a lease costs a cache lookup, each time.
 *
 * <p>Only batches the cache keeps are held, never rows read by ranges ({@link Batch#isCached}), and
 * one the cache lets go is closed when next looked up or swept ({@link #sweep}): the batches held
 * beyond the cache's bound are those it evicted since the last sweeps. Used by one thread at a time
 * (the writer of one ring buffer); {@link #close} releases every batch.
 */
final class HeldBatches implements AutoCloseable {
  /**
   * Slots {@link #sweep} checks a call: a split of thousands of record batches within a few dozen.
   */
  private static final int SWEEP = 64;

  /** The steps {@link #batchOf} walks from its guess before it searches. */
  private static final int NEAR = 4;

  private final Sources sources;

  /**
   * Per source, the first row of each record batch and then the source's rows; made on first use.
   */
  private final long[][] starts;

  private final TokenBatch[][] held;
  private int index;
  private int sweepSource;
  private int sweepAt;

  HeldBatches(Sources sources) {
    this.sources = sources;
    this.starts = new long[sources.count()][];
    this.held = new TokenBatch[sources.count()][];
  }

  /**
   * Returns the held batch that holds row {@code row} of the run, {@link #index} set to the row's
   * position in it; null if none is held (or the one held was let go by the cache, now closed).
   */
  TokenBatch get(long row) {
    int d = sources.count() == 1 ? 0 : sources.locate(row);
    long local = row - sources.offset(d);
    int b = batchOf(d, local);
    TokenBatch t = held[d][b];
    if (t != null && !t.batch.isCached()) {
      held[d][b] = null;
      t.batch.close();
      return null;
    }
    index = (int) (local - starts[d][b]);
    return t;
  }

  /** Returns the position that the row of the last {@link #get} has in its batch. */
  int index() {
    return index;
  }

  /**
   * Holds the record batch with row {@code row} of the run, unless held or the cache lets it go.
   */
  void hold(long row) {
    int d = sources.count() == 1 ? 0 : sources.locate(row);
    long local = row - sources.offset(d);
    int b = batchOf(d, local);
    if (held[d][b] != null) {
      return;
    }
    Batch batch = sources.view(d).batchAt(local);
    if (batch.isCached()) {
      held[d][b] = new TokenBatch(batch);
    } else {
      batch.close();
    }
  }

  /** Closes the next {@value #SWEEP} slots' batches that the cache let go. */
  void sweep() {
    for (int n = 0; n < SWEEP; n++) {
      TokenBatch[] slots = held[sweepSource];
      if (slots == null || sweepAt >= slots.length) {
        sweepSource = (sweepSource + 1) % held.length;
        sweepAt = 0;
        continue;
      }
      TokenBatch t = slots[sweepAt];
      if (t != null && !t.batch.isCached()) {
        slots[sweepAt] = null;
        t.batch.close();
      }
      sweepAt++;
    }
  }

  /** Releases every held batch; the holder may be used again, holding anew. */
  @Override
  public void close() {
    for (TokenBatch[] slots : held) {
      if (slots != null) {
        for (int b = 0; b < slots.length; b++) {
          if (slots[b] != null) {
            slots[b].batch.close();
            slots[b] = null;
          }
        }
      }
    }
  }

  /** Returns the record batch of source {@code d} holding its row {@code local}. */
  private int batchOf(int d, long local) {
    long[] s = starts[d];
    if (s == null) {
      s = sources.view(d).batchStarts();
      starts[d] = s;
      held[d] = new TokenBatch[s.length - 1];
    }
    // Record batches hold about as many rows each, so the row's share of the rows points at its
    // batch or a neighbour: a few steps, where a binary search over thousands mispredicts ten.
    int batches = s.length - 1;
    int b = (int) Math.min(batches - 1, (double) local * batches / Math.max(1, s[batches]));
    for (int step = 0; step < NEAR; step++) {
      if (s[b] > local) {
        b--;
      } else if (b + 1 < batches && s[b + 1] <= local) {
        b++;
      } else {
        return b;
      }
    }
    return ShardFile.locate(s, local);
  }
}
