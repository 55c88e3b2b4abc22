package dev.lazyarrow;

import java.util.AbstractList;
import java.util.BitSet;
import java.util.RandomAccess;

/**
 * An immutable list of primitive values copied in bulk out of an Arrow list, boxed only when read.
 *
 * <p>A token row holds hundreds of ids; boxing each on materialization would cost more than the
 * rest of the row, so the values stay in the primitive array that the copy filled, and {@link
 * Row#getIntArray} and its siblings hand that array out (as a copy) unboxed.
 */
final class PrimitiveList extends AbstractList<Object> implements RandomAccess {
  private final Object array;
  private final int size;
  private final BitSet nulls;

  /** Wraps {@code array} (int[], long[], short[], byte[], float[], double[] or boolean[]). */
  PrimitiveList(Object array, int size, BitSet nulls) {
    this.array = array;
    this.size = size;
    this.nulls = nulls;
  }

  @Override
  public Object get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " outside 0.." + (size - 1));
    }
    if (nulls != null && nulls.get(index)) {
      return null;
    }
    if (array instanceof int[] a) {
      return a[index];
    } else if (array instanceof long[] a) {
      return a[index];
    } else if (array instanceof short[] a) {
      return a[index];
    } else if (array instanceof byte[] a) {
      return a[index];
    } else if (array instanceof float[] a) {
      return a[index];
    } else if (array instanceof double[] a) {
      return a[index];
    }
    return ((boolean[]) array)[index];
  }

  @Override
  public int size() {
    return size;
  }

  boolean hasNulls() {
    return nulls != null && !nulls.isEmpty();
  }

  // The array conversions below are called only for lists without nulls (Row checks hasNulls()).

  /** Returns a copy of the values widened to int, if they are int or narrower. */
  int[] toIntArray(String column) {
    if (array instanceof int[] a) {
      return a.clone();
    }
    int[] out = new int[size];
    if (array instanceof short[] a) {
      for (int i = 0; i < size; i++) {
        out[i] = a[i];
      }
    } else if (array instanceof byte[] a) {
      for (int i = 0; i < size; i++) {
        out[i] = a[i];
      }
    } else {
      throw new IllegalStateException(
          "column '" + column + "' holds " + elementType() + " values, not int or narrower");
    }
    return out;
  }

  /** Returns a copy of the values widened to long, if they are integers. */
  long[] toLongArray(String column) {
    if (array instanceof long[] a) {
      return a.clone();
    }
    if (array instanceof float[] || array instanceof double[] || array instanceof boolean[]) {
      throw new IllegalStateException(
          "column '" + column + "' holds " + elementType() + " values, not integers");
    }
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = ((Number) get(i)).longValue();
    }
    return out;
  }

  /** Returns a copy of the values as float, if they are float. */
  float[] toFloatArray(String column) {
    if (array instanceof float[] a) {
      return a.clone();
    }
    throw new IllegalStateException(
        "column '" + column + "' holds " + elementType() + " values, not float");
  }

  /** Returns a copy of the values widened to double, if they are floating point. */
  double[] toDoubleArray(String column) {
    if (array instanceof double[] a) {
      return a.clone();
    }
    if (array instanceof float[] a) {
      double[] out = new double[size];
      for (int i = 0; i < size; i++) {
        out[i] = a[i];
      }
      return out;
    }
    throw new IllegalStateException(
        "column '" + column + "' holds " + elementType() + " values, not floating point");
  }

  private String elementType() {
    return array.getClass().getComponentType().getName();
  }
}
