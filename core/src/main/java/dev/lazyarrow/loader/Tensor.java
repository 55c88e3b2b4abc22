package dev.lazyarrow.loader;

import java.util.Arrays;

/**
 * A fixed-shape column collated into one row-major primitive array and its shape.
 *
 * @param values the values of every row, row after row, each row row-major: a {@code float[]},
 *     {@code double[]}, {@code byte[]}, {@code short[]}, {@code int[]} or {@code long[]}, as the
 *     column's items are stored
 * @param shape the number of rows, then each row's dimensions (for an {@code Array2D} of shape (2,
 *     3): {@code {rows, 2, 3}})
 */
public record Tensor(Object values, int[] shape) {
  /** Returns the values as floats, if the column holds float32. */
  public float[] floats() {
    return cast(float[].class);
  }

  /** Returns the values as doubles, if the column holds float64. */
  public double[] doubles() {
    return cast(double[].class);
  }

  /** Returns the values as ints, if the column holds int32. */
  public int[] ints() {
    return cast(int[].class);
  }

  /** Returns the values as longs, if the column holds int64. */
  public long[] longs() {
    return cast(long[].class);
  }

  @Override
  public String toString() {
    return "Tensor " + values.getClass().getComponentType() + Arrays.toString(shape);
  }

  private <T> T cast(Class<T> type) {
    if (!type.isInstance(values)) {
      throw new IllegalStateException(
          "the tensor holds "
              + values.getClass().getComponentType()
              + " values, not "
              + type.getComponentType());
    }
    return type.cast(values);
  }
}
