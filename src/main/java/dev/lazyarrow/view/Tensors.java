package dev.lazyarrow.view;

import dev.lazyarrow.io.Memory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Collates a fixed-shape column (a fixed-size list, an HF {@code Array2D..5D}) into one {@link
 * Tensor}: each row's values are contiguous in the innermost vector, so a row is one bulk copy.
 *
 * <p>The outermost dimension may be a variable list, as an ArrayND whose first dimension is {@code
 * None} stores it, provided every row of the batch has the same length; the inner ones are
 * fixed-size lists.
 */
final class Tensors {
  private Tensors() {}

  /**
   * Returns the tensor of {@code column} over the rows of {@code g}.
   *
   * @throws IllegalStateException if the column is not a fixed-shape array of numbers, if its rows
   *     differ in shape, hold a null, or there is no row to take a shape from
   */
  static Tensor tensor(Gather g, String column) {
    if (g.size() == 0) {
      throw new IllegalStateException("an empty batch has no shape for column '" + column + "'");
    }
    Object[] values = {null};
    int[][] shape = {null};
    g.walk(
        (batch, local, slots, from, to) -> {
          FieldVector outer = Collation.unwrap(batch.vector(column));
          if (Collation.dictionary(outer)) {
            throw notAnArray(column, "dictionary-encoded");
          }
          boolean variable = outer instanceof ListVector || outer instanceof LargeListVector;
          List<Integer> inner = new ArrayList<>();
          FieldVector leaf =
              variable ? Collation.unwrap(outer.getChildrenFromFields().get(0)) : outer;
          while (leaf instanceof FixedSizeListVector fixed) {
            inner.add(fixed.getListSize());
            leaf = Collation.unwrap(fixed.getDataVector());
          }
          if (leaf == outer || Collation.dictionary(leaf) || width(leaf) == 0) {
            throw notAnArray(column, outer.getField().getType().toString());
          }
          Lists lists = variable ? Lists.of(outer) : null;
          int innerSize = inner.stream().reduce(1, Math::multiplyExact);
          boolean nulls = batch.mayHoldNulls(column);
          ArrowBuf data = leaf.getDataBuffer();
          int w = width(leaf);
          for (int k = from; k < to; k++) {
            int i = local[k];
            long row = g.row(slots[k]);
            if (nulls && outer.isNull(i)) {
              throw new IllegalStateException("column '" + column + "' of row " + row + " is null");
            }
            long first;
            int[] dims;
            if (variable) {
              first = lists.start(i) * innerSize;
              dims = new int[inner.size() + 1];
              dims[0] = Math.toIntExact(lists.end(i) - lists.start(i));
            } else {
              first = (long) i * innerSize;
              dims = new int[inner.size()];
            }
            for (int d = 0; d < inner.size(); d++) {
              dims[dims.length - inner.size() + d] = inner.get(d);
            }
            int perRow = Arrays.stream(dims).reduce(1, Math::multiplyExact);
            if (shape[0] == null) {
              shape[0] = dims;
              values[0] = array(leaf, Math.multiplyExact(g.size(), perRow));
            } else if (!Arrays.equals(shape[0], dims)) {
              throw new IllegalStateException(
                  "rows of column '"
                      + column
                      + "' differ in shape: "
                      + Arrays.toString(shape[0])
                      + " and "
                      + Arrays.toString(dims)
                      + " (row "
                      + row
                      + ")");
            }
            if (nulls) {
              Collation.requireNoNullItems(leaf, first, perRow, column, row);
            }
            Memory.copy(data, first * w, values[0], slots[k] * perRow, perRow, w);
          }
        });
    int[] full = new int[shape[0].length + 1];
    full[0] = g.size();
    System.arraycopy(shape[0], 0, full, 1, shape[0].length);
    return new Tensor(values[0], full);
  }

  private static IllegalStateException notAnArray(String column, String type) {
    return new IllegalStateException(
        "column '" + column + "' is " + type + ", not a fixed-shape array of numbers");
  }

  private static int width(FieldVector leaf) {
    if (leaf instanceof Float8Vector || leaf instanceof BigIntVector) {
      return 8;
    } else if (leaf instanceof Float4Vector || leaf instanceof IntVector) {
      return 4;
    } else if (leaf instanceof SmallIntVector) {
      return 2;
    }
    return leaf instanceof TinyIntVector ? 1 : 0;
  }

  private static Object array(FieldVector leaf, int length) {
    if (leaf instanceof Float4Vector) {
      return new float[length];
    } else if (leaf instanceof Float8Vector) {
      return new double[length];
    } else if (leaf instanceof BigIntVector) {
      return new long[length];
    } else if (leaf instanceof IntVector) {
      return new int[length];
    }
    return leaf instanceof SmallIntVector ? new short[length] : new byte[length];
  }
}
