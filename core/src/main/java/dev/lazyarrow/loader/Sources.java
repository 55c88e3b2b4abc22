package dev.lazyarrow.loader;

import dev.lazyarrow.Split;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a loader reads: one split, or the sources of a mixture seen as one run of rows, source after
 * source, so that orders, batch plans and partitions work on plain row numbers: row {@code r} of
 * source {@code d} is row {@code offsets[d] + r} of the run.
 *
 * <p>A mixture's epoch order maps each position to its source (the {@link MixPlan}) and to that
 * source's next draw; draw {@code k} of a source of {@code n} rows is position {@code k % n} of the
 * source's own epoch {@code k / n}, in the loader's order with the source's own key. Draws go on
 * across the mixture's epochs: epoch {@code e} starts at draw {@code e * total} of each source.
 */
final class Sources {
  /** Purpose tag of the key a mixture's source shuffles with. */
  private static final long SOURCE = 13;

  private final Split[] splits;
  private final Split[] views;
  private final long[] offsets;
  private final Mixture mixture;
  private final AtomicReferenceArray<SourceEpoch> orders;
  private final long[][] batchStarts;
  private MixPlan plan;

  private Sources(Split[] splits, Split[] views, Mixture mixture) {
    this.splits = splits;
    this.views = views;
    this.mixture = mixture;
    this.offsets = new long[splits.length + 1];
    for (int d = 0; d < splits.length; d++) {
      offsets[d + 1] = Math.addExact(offsets[d], splits[d].size());
    }
    this.orders = new AtomicReferenceArray<>(splits.length);
    this.batchStarts = new long[splits.length][];
  }

  /** Returns the rows of {@code split}, read through {@code view} (a projection, or itself). */
  static Sources of(Split split, Split view) {
    return new Sources(new Split[] {split}, new Split[] {view}, null);
  }

  /**
   * Returns the sources of {@code mixture}, each read through its projection on {@code columns}.
   */
  static Sources of(Mixture mixture, String[] columns) {
    Split[] splits = mixture.sources().toArray(new Split[0]);
    Split[] views = splits.clone();
    if (columns != null) {
      for (int d = 0; d < views.length; d++) {
        views[d] = splits[d].select(columns);
      }
    }
    return new Sources(splits, views, mixture);
  }

  /** Returns the mixture, or null for one split. */
  Mixture mixture() {
    return mixture;
  }

  /** Returns the number of sources: 1 for one split. */
  int count() {
    return splits.length;
  }

  /** Returns source {@code d}'s split. */
  Split split(int d) {
    return splits[d];
  }

  /** Returns source {@code d}'s split as the batches read it: its projection, or itself. */
  Split view(int d) {
    return views[d];
  }

  /** Returns the rows of all sources together. */
  long size() {
    return offsets[splits.length];
  }

  /** Returns whether the batches read a projection: their collations are then prepared ahead. */
  boolean isProjection() {
    return views[0].isProjection();
  }

  /** Returns the columns the batches read. */
  List<String> columnNames() {
    return views[0].columnNames();
  }

  /** Returns the mixture's plan, made once: which source each position of an epoch draws from. */
  synchronized MixPlan plan() {
    if (plan == null) {
      long[] rows = new long[splits.length];
      for (int d = 0; d < rows.length; d++) {
        rows[d] = splits[d].size();
      }
      plan = mixture.plan(rows);
    }
    return plan;
  }

  /** Returns the first row of every source in the run, then the run's rows. */
  long[] offsets() {
    return offsets.clone();
  }

  /** Returns the order of epoch {@code epoch}: a split's, or the mixture's over its sources. */
  Sampler order(LoaderState s, int epoch) {
    if (mixture == null) {
      return sourceOrder(s, 0, epoch, s.seed());
    }
    MixPlan p = plan();
    return Samplers.of(
        p.length(),
        position -> {
          int d = p.source(position);
          long draw = Math.addExact(Math.multiplyExact((long) epoch, p.total(d)), p.draw(position));
          long rows = splits[d].size();
          int sourceEpoch = Math.toIntExact(draw / rows);
          return offsets[d] + cachedOrder(s, d, sourceEpoch).row(draw % rows);
        });
  }

  /**
   * Returns source {@code d}'s own order of its epoch {@code epoch}, in rows of the run: the order
   * a mixture draws the source's rows (or, packed, its documents) in.
   */
  Sampler sourceOrder(LoaderState s, int d, int epoch) {
    Sampler order = sourceOrder(s, d, epoch, sourceSeed(s.seed(), d));
    long offset = offsets[d];
    return Samplers.of(order.size(), position -> offset + order.row(position));
  }

  private Sampler cachedOrder(LoaderState s, int d, int sourceEpoch) {
    SourceEpoch last = orders.get(d);
    if (last == null || last.epoch() != sourceEpoch) {
      last = new SourceEpoch(sourceEpoch, sourceOrder(s, d, sourceEpoch, sourceSeed(s.seed(), d)));
      orders.set(d, last);
    }
    return last.order();
  }

  /**
   * Returns the key source {@code d} of a mixture shuffles with: its own, from the loader's seed,
   * but the seed itself for source 0, so that a mixture of one split orders it as its own loader.
   */
  static long sourceSeed(long seed, int d) {
    return d == 0 ? seed : Permutation.key(seed, d, SOURCE);
  }

  private Sampler sourceOrder(LoaderState s, int d, int epoch, long seed) {
    long rows = splits[d].size();
    return switch (s.order()) {
      case "sequential" -> Samplers.sequential(rows);
      case "shuffle" -> Samplers.shuffled(rows, seed, epoch);
      case "block" -> Samplers.blockShuffled(batchStarts(d), s.window(), seed, epoch);
      default ->
          throw new IllegalArgumentException(
              "order must be sequential, shuffle or block, found '" + s.order() + "'");
    };
  }

  private synchronized long[] batchStarts(int d) {
    if (batchStarts[d] == null) {
      batchStarts[d] = splits[d].batchStarts();
    }
    return batchStarts[d];
  }

  /** Returns the length of every row's list in {@code column}, source after source. */
  int[] lengths(String column) {
    if (splits.length == 1) {
      return ColumnScan.lengths(splits[0], column);
    }
    int[] out = new int[Math.toIntExact(size())];
    for (int d = 0; d < splits.length; d++) {
      int[] part = ColumnScan.lengths(splits[d], column);
      System.arraycopy(part, 0, out, (int) offsets[d], part.length);
    }
    return out;
  }

  /** Returns the training batch of the rows {@code rows} (rows of the run). */
  TrainingBatch batch(int epoch, long step, long[] rows) {
    if (mixture == null) {
      return new TrainingBatch(epoch, step, rows, views[0]);
    }
    Located at = locate(rows);
    return new TrainingBatch(epoch, step, at.source(), at.local(), views);
  }

  /** Returns a walk over the record batches holding the rows {@code rows} of the run. */
  Gather gather(long[] rows) {
    if (mixture == null) {
      return new Gather(views[0], rows);
    }
    Located at = locate(rows);
    return new Gather(views, at.source(), at.local());
  }

  /** Returns each row's source and its row in that source. */
  private Located locate(long[] rows) {
    int[] source = new int[rows.length];
    long[] local = new long[rows.length];
    for (int i = 0; i < rows.length; i++) {
      source[i] = locate(rows[i]);
      local[i] = rows[i] - offsets[source[i]];
    }
    return new Located(source, local);
  }

  /** Rows of the run as sources and rows in them. */
  private record Located(int[] source, long[] local) {}

  /** Reads the rows {@code rows} of the run ahead; returns how many needed reading. */
  int readAhead(long[] rows) {
    if (mixture == null) {
      return views[0].readAhead(rows);
    }
    long[][] bySource = new long[splits.length][rows.length];
    int[] counts = new int[splits.length];
    for (long row : rows) {
      int d = locate(row);
      bySource[d][counts[d]++] = row - offsets[d];
    }
    int read = 0;
    for (int d = 0; d < splits.length; d++) {
      if (counts[d] > 0) {
        read += views[d].readAhead(Arrays.copyOf(bySource[d], counts[d]));
      }
    }
    return read;
  }

  /** Returns the first row of source {@code d} in the run. */
  long offset(int d) {
    return offsets[d];
  }

  /** Returns the source that row {@code row} of the run belongs to. */
  int locate(long row) {
    int at = Arrays.binarySearch(offsets, row);
    return at >= 0 ? at : -at - 2;
  }

  /** One source's order of one of its epochs, kept while the source is in that epoch. */
  private record SourceEpoch(int epoch, Sampler order) {}
}
