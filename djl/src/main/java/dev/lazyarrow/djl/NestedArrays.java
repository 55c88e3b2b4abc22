package dev.lazyarrow.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lazyarrow.Batch;
import dev.lazyarrow.Split;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
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
   * Returns the rows {@code rows} of {@code column} stacked into one array of shape {@code
   * arrayShape}, which holds their values ({@code rows} times {@code shape}).
   *
   * @throws IllegalStateException if a row is null, holds a null, or differs from {@code shape}
   */
  static NDArray read(
      NDManager manager, Split split, String column, int[] shape, long[] rows, Shape arrayShape) {
    int perRow = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    ByteBuffer values = null;
    DataType type = DataType.FLOAT32;
    for (long row : rows) {
      try (Batch batch = split.batchAt(row)) {
        FieldVector v = unwrap(batch.vector(column));
        long from = row - batch.firstRow();
        long to = from + 1;
        if (v.isNull((int) from)) {
          throw new IllegalStateException("column '" + column + "' of row " + row + " is null");
        }
        for (int length : shape) {
          long first = -1;
          for (long k = from; k < to; k++) {
            if (v.isNull((int) k) || end(v, k) - start(v, k) != length) {
              throw new IllegalStateException(
                  "column '"
                      + column
                      + "' of row "
                      + row
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
          type = type(v, column);
          values =
              ByteBuffer.allocateDirect(
                      Math.multiplyExact(rows.length * perRow, type.getNumOfBytes()))
                  .order(ByteOrder.nativeOrder());
        }
        copy(v, (int) from, perRow, values, column, row);
      }
    }
    if (values == null) {
      return manager.create(new float[0], arrayShape);
    }
    values.flip();
    return manager.create(values, arrayShape, type);
  }

  /** Returns the array type of a leaf's values: int16 widens to int32, which DJL's PyTorch has. */
  private static DataType type(FieldVector leaf, String column) {
    if (leaf instanceof Float4Vector) {
      return DataType.FLOAT32;
    } else if (leaf instanceof Float8Vector) {
      return DataType.FLOAT64;
    } else if (leaf instanceof BigIntVector) {
      return DataType.INT64;
    } else if (leaf instanceof IntVector || leaf instanceof SmallIntVector) {
      return DataType.INT32;
    } else if (leaf instanceof TinyIntVector) {
      return DataType.INT8;
    }
    throw new IllegalStateException(
        "column '" + column + "' holds " + leaf.getField().getType() + ", not numbers");
  }

  /** Appends the {@code n} leaf values from {@code from} to {@code into}, little-endian. */
  private static void copy(
      FieldVector leaf, int from, int n, ByteBuffer into, String column, long row) {
    if (leaf.getNullCount() > 0) {
      for (int i = from; i < from + n; i++) {
        if (leaf.isNull(i)) {
          throw new IllegalStateException(
              "column '" + column + "' of row " + row + " holds a null item");
        }
      }
    }
    ArrowBuf data = leaf.getDataBuffer();
    if (leaf instanceof SmallIntVector) {
      for (int i = from; i < from + n; i++) {
        into.putInt(data.getShort((long) i * SmallIntVector.TYPE_WIDTH));
      }
      return;
    }
    int width = type(leaf, column).getNumOfBytes();
    ByteBuffer target = into.slice().order(ByteOrder.nativeOrder());
    target.limit(n * width);
    data.getBytes((long) from * width, target);
    into.position(into.position() + n * width);
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
}
