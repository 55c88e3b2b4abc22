package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.internal.bytes.Memory;
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

/**
 * Collates a fixed-shape column (a fixed-size list, an HF {@code Array2D..5D}) into one {@link
 * Tensor}: each row's values are contiguous in the innermost vector, so a row is one bulk copy.
 *
 * <p>Any level may be a variable list, as {@code datasets} stores an ArrayND ({@code
 * list<list<float>>} for an Array2D), provided every row of the batch has the same shape: each
 * level's offsets narrow a row to a range of the next level, and every list of that range must be
 * as long as the first. A level that a row does not reach (below an empty list) counts as 0 long if
 * variable, its size if fixed.
 */
final class Tensors {
  private Tensors() {}

  /**
   * Returns the collation of {@code column} over the rows of {@code g} into a tensor.
   *
   * @throws IllegalStateException if there is no row to take a shape from; the collation throws it
   *     too if the column is not a fixed-shape array of numbers, or its rows differ in shape or
   *     hold a null
   */
  static Collation.Collator<Tensor> tensor(Gather g, String column) {
    if (g.size() == 0) {
      throw new IllegalStateException("an empty batch has no shape for column '" + column + "'");
    }
    return new Stack(g, column);
  }

  private static final class Stack extends Collation.Collator<Tensor> {
    private final Gather g;
    private final String column;
    private Object values;
    private final int position;
    private int[] shape;

    Stack(Gather g, String column) {
      this.g = g;
      this.column = column;
      this.position = g.position(column);
    }

    @Override
    public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
      FieldVector outer = Collation.unwrap(batch.vector(position));
      if (Collation.dictionary(outer)) {
        throw notAnArray(column, "dictionary-encoded");
      }
      List<FieldVector> vectors = new ArrayList<>();
      List<Lists> levels = new ArrayList<>();
      FieldVector leaf = outer;
      for (Lists lists = Lists.of(leaf); lists != null; lists = Lists.of(leaf)) {
        vectors.add(leaf);
        levels.add(lists);
        leaf = Collation.unwrap(lists.items());
      }
      int width = Memory.width(leaf);
      if (levels.isEmpty() || Collation.dictionary(leaf) || width == 0) {
        throw notAnArray(column, outer.getField().getType().toString());
      }
      ArrowBuf data = leaf.getDataBuffer();
      boolean nulls = batch.mayHoldNulls(position);
      int[] dims = new int[levels.size()];
      for (int k = from; k < to; k++) {
        long row = g.row(slots[k]);
        long first = local[k];
        long end = first + 1;
        for (int d = 0; d < dims.length; d++) {
          Lists lists = levels.get(d);
          dims[d] = first < end ? Math.toIntExact(lists.end(first) - lists.start(first)) : 0;
          if (lists.fixed() > 0) {
            dims[d] = lists.fixed();
          }
          for (long j = first; j < end; j++) {
            if (nulls && vectors.get(d).isNull(Math.toIntExact(j))) {
              throw new IllegalStateException(
                  "column '" + column + "' of row " + row + " holds a null");
            }
            if (lists.end(j) - lists.start(j) != dims[d]) {
              throw differ(column, row, "a list of " + dims[d], lists.end(j) - lists.start(j));
            }
          }
          long count = (end - first) * dims[d];
          first = first < end ? lists.start(first) : 0;
          end = first + count;
        }
        int perRow = Math.toIntExact(end - first);
        if (shape == null) {
          shape = dims.clone();
          values = array(leaf, Math.multiplyExact(g.size(), perRow));
        } else if (!Arrays.equals(shape, dims)) {
          throw differ(column, row, Arrays.toString(shape), Arrays.toString(dims));
        }
        if (nulls) {
          Collation.requireNoNullItems(leaf, first, perRow, column, row);
        }
        Memory.copy(data, first * width, values, slots[k] * perRow, perRow, width);
      }
    }

    @Override
    Tensor finish() {
      int[] full = new int[shape.length + 1];
      full[0] = g.size();
      System.arraycopy(shape, 0, full, 1, shape.length);
      return new Tensor(values, full);
    }
  }

  private static IllegalStateException differ(String column, long row, Object was, Object is) {
    return new IllegalStateException(
        "rows of column '"
            + column
            + "' differ in shape: "
            + was
            + " and "
            + is
            + " (row "
            + row
            + ")");
  }

  private static IllegalStateException notAnArray(String column, String type) {
    return new IllegalStateException(
        "column '" + column + "' is " + type + ", not a fixed-shape array of numbers");
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
