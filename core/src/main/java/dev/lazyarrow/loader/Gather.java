package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Split;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The rows of a training batch sorted into split order, and a walk over the record batches that
 * hold them: each record batch is leased once per walk, and only while its rows are copied, so a
 * batch of rows from hundreds of record batches holds one lease at a time.
 */
final class Gather {
  private final Split[] splits;
  private final long[] rows;
  private final long[] sorted;
  private final int[] slots;

  /** Where each split's rows start in {@link #sorted}: rows of split d are [starts[d], starts[d+1]). */
  private final int[] starts;

  /** Takes the rows of one walk and the local rows and output slots of each of its batches. */
  @FunctionalInterface
  interface Visitor {
    /**
     * Copies the rows {@code local[from..to)} of {@code batch} into the output slots {@code
     * slots[from..to)}.
     */
    void visit(Batch batch, int[] local, int[] slots, int from, int to);
  }

  Gather(Split split, long[] rows) {
    this(new Split[] {split}, new int[rows.length], rows);
  }

  /**
   * Takes row {@code rows[i]} of split {@code splits[sources[i]]} into output slot {@code i}: the
   * rows of a mixture's batch. The splits' columns agree (a {@link Mixture} checks it).
   */
  Gather(Split[] splits, int[] sources, long[] rows) {
    this.splits = splits;
    this.rows = rows;
    int n = rows.length;
    this.sorted = new long[n];
    this.slots = new int[n];
    this.starts = new int[splits.length + 1];
    for (int i = 0; i < n; i++) {
      Split split = splits[sources[i]];
      if (rows[i] < 0 || rows[i] >= split.size()) {
        throw new IndexOutOfBoundsException(
            "row " + rows[i] + " outside 0.." + (split.size() - 1) + " of split " + split.name());
      }
      starts[sources[i] + 1]++;
    }
    for (int d = 0; d < splits.length; d++) {
      starts[d + 1] += starts[d];
    }
    int[] next = Arrays.copyOf(starts, splits.length);
    for (int i = 0; i < n; i++) {
      slots[next[sources[i]]++] = i;
    }
    for (int d = 0; d < splits.length; d++) {
      sortRows(starts[d], starts[d + 1], splits[d].size());
    }
  }

  /** Sorts the slots [from, to) by their rows, writing the rows in order into {@link #sorted}. */
  private void sortRows(int from, int to, long splitSize) {
    int n = to - from;
    if (n == 0 || splitSize <= Long.MAX_VALUE / n) {
      // Sorts primitives: each key packs a row and its rank in the group, so no boxed comparator.
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = rows[slots[from + i]] * n + i;
      }
      Arrays.sort(keys);
      int[] group = Arrays.copyOfRange(slots, from, to);
      for (int i = 0; i < n; i++) {
        sorted[from + i] = keys[i] / n;
        slots[from + i] = group[(int) (keys[i] % n)];
      }
    } else {
      Integer[] order =
          IntStream.range(from, to).mapToObj(i -> slots[i]).toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingLong(i -> rows[i]));
      for (int i = 0; i < n; i++) {
        sorted[from + i] = rows[order[i]];
        slots[from + i] = order[i];
      }
    }
  }

  /** Returns the number of rows. */
  int size() {
    return rows.length;
  }

  /** Returns the split index of the row in output slot {@code slot}. */
  long row(int slot) {
    return rows[slot];
  }

  /**
   * Returns the position of {@code column} among the split's columns.
   *
   * @throws IllegalArgumentException if the split has no such column
   */
  int position(String column) {
    int p = splits[0].columnNames().indexOf(column);
    if (p < 0) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns are " + splits[0].columnNames());
    }
    return p;
  }

  /** Visits every record batch holding some of the rows, split after split, in split order. */
  void walk(Visitor visitor) {
    int[] local = new int[sorted.length];
    for (int d = 0; d < splits.length; d++) {
      if (starts[d] < starts[d + 1]) {
        walk(d, local, visitor);
      }
    }
  }

  private void walk(int d, int[] local, Visitor visitor) {
    int k = starts[d];
    int end = starts[d + 1];
    long[] mine = starts[d] == 0 && end == sorted.length ? sorted : Arrays.copyOfRange(sorted, k, end);
    try (Stream<Batch> batches = splits[d].batchesHolding(mine)) {
      Iterator<Batch> it = batches.iterator();
      while (k < end) {
        try (Batch batch = it.next()) {
          int from = k;
          for (int at; k < end && (at = batch.indexOf(sorted[k])) >= 0; k++) {
            local[k] = at;
          }
          if (k == from) {
            throw new IllegalStateException(
                "row " + sorted[k] + " is not in the record batch that should hold it");
          }
          visitor.visit(batch, local, slots, from, k);
        }
      }
    }
  }
}
