package dev.lazyarrow.djl;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Split;
import dev.lazyarrow.view.Tensor;
import java.util.Arrays;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Reads {@code Array2D..5D} columns as {@code datasets} stores them, nested variable-length lists
 * ({@code list<list<float>>} for an Array2D), straight from the rows' record batches.
 *
 * <p>{@code TrainingBatch.tensor} stacks fixed-size lists; these nested lists it refuses, so the
 * adapter walks them itself: each level's offsets narrow a row to a range of the next level, every
 * list of that range must be as long as the feature's shape says, and the leaf range is copied.
 */
final class NestedArrays {
  private NestedArrays() {}

  /**
   * Returns the rows {@code rows} of {@code column}, stacked: shape {@code {rows, shape...}}.
   *
   * @throws IllegalStateException if a row is null, holds a null, or differs from {@code shape}
   */
  static Tensor read(Split split, String column, int[] shape, long[] rows) {
    int perRow = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    Object values = null;
    for (int r = 0; r < rows.length; r++) {
      try (Batch batch = split.batchAt(rows[r])) {
        FieldVector v = unwrap(batch.vector(column));
        long from = rows[r] - batch.firstRow();
        long to = from + 1;
        if (v.isNull((int) from)) {
          throw new IllegalStateException("column '" + column + "' of row " + rows[r] + " is null");
        }
        for (int length : shape) {
          long first = -1;
          for (long k = from; k < to; k++) {
            if (v.isNull((int) k) || end(v, k) - start(v, k) != length) {
              throw new IllegalStateException(
                  "column '"
                      + column
                      + "' of row "
                      + rows[r]
                      + " is not of shape "
                      + Arrays.toString(shape));
            }
            first = first < 0 ? start(v, k) : first;
          }
          to = end(v, to - 1);
          from = first;
          v = unwrap(v.getChildrenFromFields().get(0));
        }
        if (values == null) {
          values = array(v, column, Math.multiplyExact(rows.length, perRow));
        }
        copy(v, (int) from, values, r * perRow, perRow, column, rows[r]);
      }
    }
    int[] full = new int[shape.length + 1];
    full[0] = rows.length;
    System.arraycopy(shape, 0, full, 1, shape.length);
    return new Tensor(values == null ? new float[0] : values, full);
  }

  private static long start(FieldVector v, long k) {
    return v instanceof ListVector l
        ? l.getOffsetBuffer().getInt(k * ListVector.OFFSET_WIDTH)
        : ((LargeListVector) v).getOffsetBuffer().getLong(k * LargeListVector.OFFSET_WIDTH);
  }

  private static long end(FieldVector v, long k) {
    return start(v, k + 1);
  }

  private static FieldVector unwrap(FieldVector v) {
    return v instanceof ExtensionTypeVector<?> ext ? ext.getUnderlyingVector() : v;
  }

  private static Object array(FieldVector leaf, String column, int length) {
    if (leaf instanceof Float4Vector) {
      return new float[length];
    } else if (leaf instanceof Float8Vector) {
      return new double[length];
    } else if (leaf instanceof BigIntVector) {
      return new long[length];
    } else if (leaf instanceof IntVector) {
      return new int[length];
    } else if (leaf instanceof SmallIntVector) {
      return new short[length];
    } else if (leaf instanceof TinyIntVector) {
      return new byte[length];
    }
    throw new IllegalStateException(
        "column '" + column + "' holds " + leaf.getField().getType() + ", not numbers");
  }

  private static void copy(
      FieldVector leaf, int from, Object into, int at, int n, String column, long row) {
    for (int i = 0; i < n; i++) {
      if (leaf.isNull(from + i)) {
        throw new IllegalStateException(
            "column '" + column + "' of row " + row + " holds a null item");
      }
      int k = from + i;
      if (leaf instanceof Float4Vector f) {
        ((float[]) into)[at + i] = f.get(k);
      } else if (leaf instanceof Float8Vector d) {
        ((double[]) into)[at + i] = d.get(k);
      } else if (leaf instanceof BigIntVector l) {
        ((long[]) into)[at + i] = l.get(k);
      } else if (leaf instanceof IntVector v) {
        ((int[]) into)[at + i] = v.get(k);
      } else if (leaf instanceof SmallIntVector s) {
        ((short[]) into)[at + i] = s.get(k);
      } else {
        ((byte[]) into)[at + i] = ((TinyIntVector) leaf).get(k);
      }
    }
  }
}
