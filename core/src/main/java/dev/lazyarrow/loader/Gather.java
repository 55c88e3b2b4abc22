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
  private final Split split;
  private final long[] rows;
  private final long[] sorted;
  private final int[] slots;

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
    this.split = split;
    this.rows = rows;
    int n = rows.length;
    this.sorted = new long[n];
    this.slots = new int[n];
    for (long row : rows) {
      if (row < 0 || row >= split.size()) {
        throw new IndexOutOfBoundsException(
            "row " + row + " outside 0.." + (split.size() - 1) + " of split " + split.name());
      }
    }
    if (n == 0 || split.size() <= Long.MAX_VALUE / n) {
      // Sorts primitives: each key packs a row and its slot, so no boxed comparator runs.
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = rows[i] * n + i;
      }
      Arrays.sort(keys);
      for (int i = 0; i < n; i++) {
        sorted[i] = keys[i] / n;
        slots[i] = (int) (keys[i] % n);
      }
    } else {
      Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparingLong(i -> rows[i]));
      for (int i = 0; i < n; i++) {
        sorted[i] = rows[order[i]];
        slots[i] = order[i];
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
    int p = split.columnNames().indexOf(column);
    if (p < 0) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns are " + split.columnNames());
    }
    return p;
  }

  /** Visits every record batch holding some of the rows, in split order. */
  void walk(Visitor visitor) {
    int[] local = new int[sorted.length];
    int k = 0;
    try (Stream<Batch> batches = split.batchesHolding(sorted)) {
      Iterator<Batch> it = batches.iterator();
      while (k < sorted.length) {
        try (Batch batch = it.next()) {
          int from = k;
          for (int at; k < sorted.length && (at = batch.indexOf(sorted[k])) >= 0; k++) {
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
