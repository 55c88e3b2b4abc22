package dev.lazyarrow;

import dev.lazyarrow.internal.cache.BatchCache.Lease;
import dev.lazyarrow.internal.read.RangeReads;
import dev.lazyarrow.internal.read.RowRequest;
import dev.lazyarrow.internal.read.RowsRead;
import dev.lazyarrow.internal.read.ShardFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Ascending split rows grouped by the record batch that holds them, each group read through its
 * leased (mapped) batch or, when the split's {@link ReadMode} picks ranges for it, with the other
 * such groups in one joint range read ({@link RangeReads#readRows}), so that their reads are in
 * flight together.
 */
final class RowGroups {
  private RowGroups() {}

  /** One record batch's share of the rows: its place and the rows, local to it. */
  private record Group(int shard, int batch, long firstRow, int[] rows, boolean ranges) {}

  /**
   * Returns the batches holding the ascending rows {@code sorted}, in order, each to be closed
   * after use; closing the stream closes those not handed out. Groups read by ranges are read
   * before the first is handed out; leased ones are leased only when handed out.
   */
  static Stream<Batch> holding(SplitReads reads, long[] sorted, Columns shown) {
    List<Group> groups = group(reads, sorted);
    List<Group> ranged = groups.stream().filter(Group::ranges).toList();
    Iterator<Batch> read = ranged.isEmpty() ? null : read(reads, ranged, shown).iterator();
    Iterator<Batch> batches =
        new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < groups.size();
          }

          @Override
          public Batch next() {
            if (!hasNext()) {
              throw new NoSuchElementException("no record batch left");
            }
            Group g = groups.get(next++);
            return g.ranges()
                ? read.next()
                : reads.leased(shown, g.shard(), g.batch(), g.firstRow());
          }
        };
    Stream<Batch> stream =
        StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(batches, Spliterator.ORDERED), false);
    return read == null
        ? stream
        : stream.onClose(
            () -> {
              while (read.hasNext()) {
                read.next().close();
              }
            });
  }

  /** Returns the rows at {@code indices}, in that order, read by groups. */
  static List<Row> take(SplitReads reads, long[] indices, Columns shown) {
    long[] sorted = indices.clone();
    Arrays.sort(sorted);
    Row[] rows = new Row[sorted.length];
    try (Stream<Batch> batches = holding(reads, sorted, shown)) {
      Iterator<Batch> it = batches.iterator();
      int k = 0;
      while (k < sorted.length) {
        try (Batch batch = it.next()) {
          for (int at; k < sorted.length && (at = batch.indexOf(sorted[k])) >= 0; k++) {
            rows[k] = k > 0 && sorted[k] == sorted[k - 1] ? rows[k - 1] : batch.row(at);
          }
        }
      }
    }
    Row[] out = new Row[indices.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows[Arrays.binarySearch(sorted, indices[i])];
    }
    return Arrays.asList(out);
  }

  /**
   * Reads the groups of {@code sorted} that are read by ranges, and keeps nothing; returns how many
   * rows they hold.
   */
  static int readAhead(SplitReads reads, long[] sorted, Columns shown) {
    List<RowRequest> requests = new ArrayList<>();
    int rows = 0;
    for (Group g : group(reads, sorted)) {
      if (g.ranges()) {
        requests.add(new RowRequest(reads.shard(g.shard()), g.batch(), g.rows()));
        rows += g.rows().length;
      }
    }
    RangeReads.readRowsAhead(requests, shown.source);
    return rows;
  }

  /** Reads the rows of {@code groups} by ranges, jointly, as batches owned by the caller. */
  private static List<Batch> read(SplitReads reads, List<Group> groups, Columns shown) {
    List<RowRequest> requests = new ArrayList<>(groups.size());
    for (Group g : groups) {
      requests.add(new RowRequest(reads.shard(g.shard()), g.batch(), g.rows()));
    }
    List<RowsRead> read = RangeReads.readRows(requests, shown.source);
    List<Batch> batches = new ArrayList<>(read.size());
    for (int i = 0; i < read.size(); i++) {
      ShardFile file = requests.get(i).shard();
      Lease<CachedBatch> lease;
      try {
        lease =
            reads
                .cache()
                .own(new CachedBatch(file.path(), read.get(i).batch(), file.dictionaries()));
      } catch (RuntimeException e) {
        read.subList(i, read.size()).forEach(r -> r.batch().root().close());
        batches.forEach(Batch::close);
        throw e;
      }
      batches.add(new Batch(shown, groups.get(i).firstRow(), lease, read.get(i).rows()));
    }
    return batches;
  }

  /**
   * Returns the batch holding split row {@code index}, read by ranges: that row only, if it can.
   */
  static Batch one(SplitReads reads, Columns shown, int shard, int batch, long firstRow, int row) {
    return read(reads, List.of(new Group(shard, batch, firstRow, new int[] {row}, true)), shown)
        .get(0);
  }

  private static List<Group> group(SplitReads reads, long[] sorted) {
    List<Group> groups = new ArrayList<>();
    int k = 0;
    while (k < sorted.length) {
      int shard = reads.shardOf(sorted[k]);
      ShardFile file = reads.shard(shard);
      long shardStart = reads.shardStart(shard);
      int batch = file.batchOf(sorted[k] - shardStart);
      long first = shardStart + file.batchStart(batch);
      long end =
          batch + 1 < file.batchCount()
              ? shardStart + file.batchStart(batch + 1)
              : shardStart + file.rows();
      int from = k;
      while (k < sorted.length && sorted[k] < end) {
        k++;
      }
      int[] rows = new int[k - from];
      int n = 0;
      for (int i = from; i < k; i++) {
        int local = (int) (sorted[i] - first);
        if (n == 0 || rows[n - 1] != local) {
          rows[n++] = local;
        }
      }
      rows = Arrays.copyOf(rows, n);
      groups.add(new Group(shard, batch, first, rows, reads.byRanges(shard, batch, n)));
    }
    return groups;
  }
}
