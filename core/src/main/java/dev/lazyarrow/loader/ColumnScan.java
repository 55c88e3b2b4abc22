package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Split;
import java.util.Iterator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads one number per row of a column across a whole split: the length of a list (from its offsets
 * alone, see {@link Split#listLengths}) or a numeric value (straight from the Arrow buffers,
 * zero-copy).
 *
 * <p>Token budgets, packing and curricula need a number for every row before the first batch is
 * planned; a scan touches only the offsets or the values of one column.
 */
final class ColumnScan {
  private ColumnScan() {}

  /**
   * Returns the length of every row's list in {@code column}; a null list has length 0.
   *
   * @throws IllegalArgumentException if the column is not a list column
   */
  static int[] lengths(Split split, String column) {
    return split.listLengths(column);
  }

  /**
   * Returns a score for every row: the length of a list column or the value of a numeric column;
   * null scores sort last.
   *
   * @throws IllegalArgumentException if the column is neither
   */
  static double[] scores(Split split, String column) {
    Field field =
        split.schema().getFields().stream()
            .filter(f -> f.getName().equals(column))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no column '" + column + "'; columns are " + split.columnNames()));
    double[] out = new double[Math.toIntExact(split.size())];
    switch (field.getType().getTypeID()) {
      case List, LargeList, FixedSizeList, Map -> {
        int[] lengths = split.listLengths(column);
        for (int i = 0; i < lengths.length; i++) {
          out[i] = lengths[i];
        }
      }
      case Int, FloatingPoint -> values(split, column, out);
      default ->
          throw new IllegalArgumentException(
              "column '" + column + "' is " + field.getType() + ", not a list or a number");
    }
    return out;
  }

  private static void values(Split split, String column, double[] out) {
    for (Iterator<Batch> it = split.batches(); it.hasNext(); ) {
      try (Batch batch = it.next()) {
        FieldVector vector = batch.root().getVector(column);
        int first = Math.toIntExact(batch.firstRow());
        for (int i = 0; i < batch.size(); i++) {
          out[first + i] =
              vector.isNull(i)
                  ? Double.NaN
                  : vector instanceof BaseIntVector ints
                      ? ints.getValueAsLong(i)
                      : ((FloatingPointVector) vector).getValueAsDouble(i);
        }
      }
    }
  }
}
