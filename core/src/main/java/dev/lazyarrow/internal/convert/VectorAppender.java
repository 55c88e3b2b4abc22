package dev.lazyarrow.internal.convert;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;

/**
 * Writes plain Java values into an Arrow vector of any type that the Parquet and JSON Lines readers
 * produce, one tree of appenders per column.
 *
 * <p>Values: {@code null}; {@link Boolean}; any {@link Number} for integer, floating point, date,
 * time, timestamp and duration columns (in the column's unit); {@link BigDecimal} for decimals;
 * {@link String} or {@code byte[]} for strings and binaries; {@link List} for lists; and {@code
 * Map<String, ?>} for structs, a missing key meaning null.
 */
public abstract class VectorAppender {
  final FieldVector vector;

  private VectorAppender(FieldVector vector) {
    this.vector = vector;
  }

  /**
   * Returns the appender for {@code vector}.
   *
   * @throws IllegalArgumentException if the vector's type is none of those listed above
   */
  public static VectorAppender of(FieldVector vector) {
    if (vector instanceof ListVector v) {
      VectorAppender items = of((FieldVector) v.getDataVector());
      return new VectorAppender(v) {
        @Override
        void set(int i, Object value) {
          List<?> list = (List<?>) value;
          int start = v.startNewValue(i);
          for (int k = 0; k < list.size(); k++) {
            items.append(start + k, list.get(k));
          }
          v.endValue(i, list.size());
        }
      };
    }
    if (vector instanceof LargeListVector v) {
      VectorAppender items = of((FieldVector) v.getDataVector());
      return new VectorAppender(v) {
        @Override
        void set(int i, Object value) {
          List<?> list = (List<?>) value;
          long start = v.startNewValue(i);
          for (int k = 0; k < list.size(); k++) {
            items.append(Math.toIntExact(start + k), list.get(k));
          }
          v.endValue(i, list.size());
        }
      };
    }
    if (vector instanceof FixedSizeListVector v) {
      VectorAppender items = of((FieldVector) v.getDataVector());
      int size = v.getListSize();
      return new VectorAppender(v) {
        @Override
        void set(int i, Object value) {
          List<?> list = (List<?>) value;
          if (list.size() != size) {
            throw new IllegalArgumentException(
                "a list of "
                    + list.size()
                    + " items in a column"
                    + " of fixed-size lists of "
                    + size);
          }
          int start = v.startNewValue(i);
          for (int k = 0; k < size; k++) {
            items.append(start + k, list.get(k));
          }
        }

        @Override
        void setNull(int i) {
          super.setNull(i);
          for (int k = 0; k < size; k++) {
            items.setNull(i * size + k);
          }
        }
      };
    }
    if (vector instanceof StructVector v) {
      List<FieldVector> children = v.getChildrenFromFields();
      VectorAppender[] fields =
          children.stream().map(VectorAppender::of).toArray(VectorAppender[]::new);
      return new VectorAppender(v) {
        @Override
        void set(int i, Object value) {
          Map<?, ?> map = (Map<?, ?>) value;
          v.setIndexDefined(i);
          for (int k = 0; k < fields.length; k++) {
            fields[k].append(i, map.get(children.get(k).getName()));
          }
        }

        @Override
        void setNull(int i) {
          super.setNull(i);
          for (VectorAppender field : fields) {
            field.setNull(i);
          }
        }
      };
    }
    return scalar(vector);
  }

  /** Writes {@code value}, which may be null, at row {@code i}. */
  public final void append(int i, Object value) {
    if (value == null) {
      setNull(i);
    } else {
      set(i, value);
    }
  }

  abstract void set(int i, Object value);

  void setNull(int i) {
    vector.setNull(i);
  }

  private static VectorAppender scalar(FieldVector vector) {
    Setter setter;
    if (vector instanceof NullVector v) {
      setter =
          (i, x) -> {
            throw new IllegalArgumentException("a value " + x + " in a column of type null");
          };
    } else if (vector instanceof BitVector v) {
      setter = (i, x) -> v.setSafe(i, (Boolean) x ? 1 : 0);
    } else if (vector instanceof BaseIntVector v) {
      setter = (i, x) -> v.setWithPossibleTruncate(i, ((Number) x).longValue());
    } else if (vector instanceof FloatingPointVector v) {
      setter = (i, x) -> v.setSafeWithPossibleTruncate(i, ((Number) x).doubleValue());
    } else if (vector instanceof VarCharVector v) {
      setter = (i, x) -> v.setSafe(i, bytes(x));
    } else if (vector instanceof LargeVarCharVector v) {
      setter = (i, x) -> v.setSafe(i, bytes(x));
    } else if (vector instanceof VarBinaryVector v) {
      setter = (i, x) -> v.setSafe(i, bytes(x));
    } else if (vector instanceof LargeVarBinaryVector v) {
      setter = (i, x) -> v.setSafe(i, bytes(x));
    } else if (vector instanceof FixedSizeBinaryVector v) {
      setter = (i, x) -> v.setSafe(i, bytes(x));
    } else if (vector instanceof DateDayVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).intValue());
    } else if (vector instanceof DateMilliVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).longValue());
    } else if (vector instanceof TimeStampVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).longValue());
    } else if (vector instanceof TimeSecVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).intValue());
    } else if (vector instanceof TimeMilliVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).intValue());
    } else if (vector instanceof TimeMicroVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).longValue());
    } else if (vector instanceof TimeNanoVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).longValue());
    } else if (vector instanceof DurationVector v) {
      setter = (i, x) -> v.setSafe(i, ((Number) x).longValue());
    } else if (vector instanceof DecimalVector v) {
      setter = (i, x) -> v.setSafe(i, (BigDecimal) x);
    } else {
      throw new IllegalArgumentException(
          "column '"
              + vector.getName()
              + "' has Arrow type "
              + vector.getField().getType()
              + ", which this reader cannot fill");
    }
    return new VectorAppender(vector) {
      @Override
      void set(int i, Object value) {
        setter.set(i, value);
      }
    };
  }

  private static byte[] bytes(Object x) {
    return x instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) x;
  }

  @FunctionalInterface
  private interface Setter {
    void set(int i, Object value);
  }
}
