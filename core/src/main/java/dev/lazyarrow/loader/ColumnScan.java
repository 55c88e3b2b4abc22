package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Split;
import java.util.Iterator;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Reads one number per row of a column across a whole split, straight from the Arrow buffers: the
 * length of a list (from its offsets, nothing decoded) or a numeric value.
 *
 * <p>Token budgets and curricula need a number for every row before the first batch is planned; a
 * scan touches only the offsets or the values of one column, zero-copy.
 */
final class ColumnScan {
  private ColumnScan() {}

  /**
   * Returns the length of every row's list in {@code column}; a null list has length 0.
   *
   * @throws IllegalArgumentException if the column is not a list column
   */
  static int[] lengths(Split split, String column) {
    int[] out = new int[Math.toIntExact(split.size())];
    scan(split, column, (vector, i, row) -> out[row] = length(vector, i, column));
    return out;
  }

  /**
   * Returns a score for every row: the length of a list column or the value of a numeric column;
   * null scores sort last.
   *
   * @throws IllegalArgumentException if the column is neither
   */
  static double[] scores(Split split, String column) {
    double[] out = new double[Math.toIntExact(split.size())];
    scan(
        split,
        column,
        (vector, i, row) -> {
          if (vector instanceof BaseIntVector ints) {
            out[row] = vector.isNull(i) ? Double.NaN : ints.getValueAsLong(i);
          } else if (vector instanceof FloatingPointVector floats) {
            out[row] = vector.isNull(i) ? Double.NaN : floats.getValueAsDouble(i);
          } else {
            out[row] = length(vector, i, column);
          }
        });
    return out;
  }

  @FunctionalInterface
  private interface Visitor {
    void visit(FieldVector vector, int index, int row);
  }

  private static void scan(Split split, String column, Visitor visitor) {
    if (!split.columnNames().contains(column)) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns are " + split.columnNames());
    }
    for (Iterator<Batch> it = split.batches(); it.hasNext(); ) {
      try (Batch batch = it.next()) {
        FieldVector vector = batch.root().getVector(column);
        int first = Math.toIntExact(batch.firstRow());
        for (int i = 0; i < batch.size(); i++) {
          visitor.visit(vector, i, first + i);
        }
      }
    }
  }

  private static int length(FieldVector vector, int i, String column) {
    if (vector.isNull(i)) {
      return 0;
    }
    if (vector instanceof ListVector list) {
      ArrowBuf offsets = list.getOffsetBuffer();
      return offsets.getInt(4L * i + 4) - offsets.getInt(4L * i);
    } else if (vector instanceof LargeListVector list) {
      ArrowBuf offsets = list.getOffsetBuffer();
      return Math.toIntExact(offsets.getLong(8L * i + 8) - offsets.getLong(8L * i));
    } else if (vector instanceof FixedSizeListVector list) {
      return list.getListSize();
    }
    throw new IllegalArgumentException(
        "column '" + column + "' is " + vector.getField().getType() + ", not a list or a number");
  }
}
