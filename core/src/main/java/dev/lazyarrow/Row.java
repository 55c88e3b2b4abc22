package dev.lazyarrow;

import dev.lazyarrow.format.Feature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a split, copied out of its record batch into plain Java values.
 *
 * <p>A row owns its values: it stays valid after the batch it came from is evicted and after the
 * dataset is closed, and it is immutable, so it may be handed between threads. For zero-copy access
 * to the Arrow vectors themselves, iterate {@link Split#batches()}.
 *
 * <p>Arrow types become these Java values, the way Arrow Java's own {@code getObject} maps them
 * where it has a plain one: bool as {@code Boolean}; int8, int16, int32, int64 as {@code Byte},
 * {@code Short}, {@code Integer}, {@code Long}; uint8, uint16, uint32 widened to {@code Short},
 * {@code Integer}, {@code Long}; uint64 as a {@code Long} holding the unsigned bits (read it with
 * {@link Long#toUnsignedString(long)}); float16 and float32 as {@code Float}; float64 as {@code
 * Double}; strings as {@code String}; binary as {@code byte[]}; timestamps, times and durations as
 * a {@code Long} count of their unit (time32 as {@code Integer}); date32 as {@code Integer} days
 * and date64 as {@code Long} milliseconds since the epoch; lists, large lists and fixed-size lists
 * (ArrayND features too) as immutable {@code List}s; structs (Image, Translation) as immutable
 * {@code Map}s in field order; dictionary-encoded values decoded; null as {@code null}. ClassLabel
 * columns hold their integer; {@link #labelName} gives the name.
 */
public final class Row {
  private final Columns columns;
  private final long index;
  private final Object[] values;

  Row(Columns columns, long index, Object[] values) {
    this.columns = columns;
    this.index = index;
    this.values = values;
  }

  /** Returns this row's index in its split. */
  public long index() {
    return index;
  }

  /** Returns the column names, in schema order. */
  public List<String> columnNames() {
    return columns.names;
  }

  /** Returns the value of column {@code column} (by position), or {@code null}. */
  public Object get(int column) {
    columns.name(column);
    return values[column];
  }

  /**
   * Returns the value of the column named {@code column}, or {@code null}.
   *
   * @throws IllegalArgumentException if there is no such column
   */
  public Object get(String column) {
    return values[columns.position(column)];
  }

  /** Returns whether the column named {@code column} is null in this row. */
  public boolean isNull(String column) {
    return get(column) == null;
  }

  /** Returns an integer column's value as a long; uint64 gives its unsigned bits. */
  public long getLong(String column) {
    return getLong(columns.position(column));
  }

  /** Returns an integer column's value (by position) as a long; uint64 gives its unsigned bits. */
  public long getLong(int column) {
    Object v = require(column);
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    throw wrongType(column, "an integer");
  }

  /**
   * Returns an integer column's value as an int.
   *
   * @throws ArithmeticException if the value does not fit in an int
   */
  public int getInt(String column) {
    return getInt(columns.position(column));
  }

  /** Returns an integer column's value (by position) as an int. */
  public int getInt(int column) {
    return Math.toIntExact(getLong(column));
  }

  /** Returns a numeric column's value as a double. */
  public double getDouble(String column) {
    return getDouble(columns.position(column));
  }

  /** Returns a numeric column's value (by position) as a double. */
  public double getDouble(int column) {
    Object v = require(column);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw wrongType(column, "a number");
  }

  /** Returns a float column's value. */
  public float getFloat(String column) {
    return getFloat(columns.position(column));
  }

  /** Returns a float column's value (by position). */
  public float getFloat(int column) {
    Object v = require(column);
    if (v instanceof Float f) {
      return f;
    }
    throw wrongType(column, "a float");
  }

  /** Returns a bool column's value. */
  public boolean getBoolean(String column) {
    return getBoolean(columns.position(column));
  }

  /** Returns a bool column's value (by position). */
  public boolean getBoolean(int column) {
    return cast(column, Boolean.class, "a bool");
  }

  /** Returns a string column's value, or {@code null}. */
  public String getString(String column) {
    return getString(columns.position(column));
  }

  /** Returns a string column's value (by position), or {@code null}. */
  public String getString(int column) {
    return get(column) == null ? null : cast(column, String.class, "a string");
  }

  /** Returns a copy of a binary column's bytes, or {@code null}. */
  public byte[] getBytes(String column) {
    return getBytes(columns.position(column));
  }

  /** Returns a copy of a binary column's bytes (by position), or {@code null}. */
  public byte[] getBytes(int column) {
    return get(column) == null ? null : cast(column, byte[].class, "binary").clone();
  }

  /** Returns a list column's value, or {@code null}. */
  public List<Object> getList(String column) {
    return getList(columns.position(column));
  }

  /** Returns a list column's value (by position), or {@code null}. */
  @SuppressWarnings("unchecked")
  public List<Object> getList(int column) {
    return get(column) == null ? null : cast(column, List.class, "a list");
  }

  /** Returns a struct column's value as a map in field order, or {@code null}. */
  public Map<String, Object> getStruct(String column) {
    return getStruct(columns.position(column));
  }

  /** Returns a struct column's value (by position) as a map in field order, or {@code null}. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> getStruct(int column) {
    return get(column) == null ? null : cast(column, Map.class, "a struct");
  }

  /** Returns a list of int8, int16 or int32 as a new int array (token ids, for instance). */
  public int[] getIntArray(String column) {
    return getIntArray(columns.position(column));
  }

  /** Returns a list of int8, int16 or int32 (by position) as a new int array. */
  public int[] getIntArray(int column) {
    return primitives(column).toIntArray(columns.name(column));
  }

  /** Returns a list of signed integers as a new long array. */
  public long[] getLongArray(String column) {
    return getLongArray(columns.position(column));
  }

  /** Returns a list of signed integers (by position) as a new long array. */
  public long[] getLongArray(int column) {
    return primitives(column).toLongArray(columns.name(column));
  }

  /** Returns a list of float32 as a new float array. */
  public float[] getFloatArray(String column) {
    return getFloatArray(columns.position(column));
  }

  /** Returns a list of float32 (by position) as a new float array. */
  public float[] getFloatArray(int column) {
    return primitives(column).toFloatArray(columns.name(column));
  }

  /** Returns a list of float32 or float64 as a new double array. */
  public double[] getDoubleArray(String column) {
    return getDoubleArray(columns.position(column));
  }

  /** Returns a list of float32 or float64 (by position) as a new double array. */
  public double[] getDoubleArray(int column) {
    return primitives(column).toDoubleArray(columns.name(column));
  }

  /**
   * Returns the class name of a ClassLabel column's value.
   *
   * @throws IllegalStateException if the column is not a ClassLabel
   */
  public String labelName(String column) {
    return labelName(columns.position(column));
  }

  /**
   * Returns the class name of a ClassLabel column's value (by position).
   *
   * @throws IllegalStateException if the column is not a ClassLabel
   */
  public String labelName(int column) {
    Feature f = columns.feature(column);
    if (f.kind() != Feature.Kind.CLASS_LABEL) {
      throw new IllegalStateException(
          "column '" + columns.name(column) + "' is " + f.kind() + ", not a ClassLabel");
    }
    return f.labelName(Math.toIntExact(getLong(column)));
  }

  /**
   * Returns the class names of a list-of-ClassLabel column's values (multi-label targets).
   *
   * @throws IllegalStateException if the column is not a list of ClassLabel
   */
  public List<String> labelNames(String column) {
    return labelNames(columns.position(column));
  }

  /**
   * Returns the class names of a list-of-ClassLabel column's values (by position).
   *
   * @throws IllegalStateException if the column is not a list of ClassLabel
   */
  public List<String> labelNames(int column) {
    Feature item = columns.feature(column).element();
    if (item == null || item.kind() != Feature.Kind.CLASS_LABEL) {
      throw new IllegalStateException(
          "column '" + columns.name(column) + "' is not a list of ClassLabel");
    }
    List<Object> labels = getList(column);
    return labels == null
        ? null
        : labels.stream().map(l -> item.labelName(((Number) l).intValue())).toList();
  }

  /** Returns the row as an immutable map from column name to value, in column order. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int c = 0; c < values.length; c++) {
      map.put(columns.names.get(c), values[c]);
    }
    return Collections.unmodifiableMap(map);
  }

  @Override
  public String toString() {
    return "Row " + index + " " + toMap();
  }

  private PrimitiveList primitives(int column) {
    Object v = require(column);
    if (!(v instanceof PrimitiveList list)) {
      throw wrongType(column, "a list of numbers");
    }
    if (list.hasNulls()) {
      throw new IllegalStateException(
          "column '"
              + columns.name(column)
              + "' of row "
              + index
              + " holds null items; read it with getList");
    }
    return list;
  }

  private Object require(int column) {
    Object v = get(column);
    if (v == null) {
      throw new NullPointerException(
          "column '" + columns.name(column) + "' of row " + index + " is null");
    }
    return v;
  }

  private <T> T cast(int column, Class<T> type, String what) {
    Object v = require(column);
    if (!type.isInstance(v)) {
      throw wrongType(column, what);
    }
    return type.cast(v);
  }

  private IllegalStateException wrongType(int column, String what) {
    return new IllegalStateException(
        "column '"
            + columns.name(column)
            + "' holds "
            + values[column].getClass().getSimpleName()
            + ", not "
            + what);
  }
}
