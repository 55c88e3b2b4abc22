package dev.lazyarrow.parquet;

import dev.lazyarrow.internal.convert.VectorAppender;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads one field of Parquet-MR's {@link Group} rows as the plain Java values that {@link
 * VectorAppender} writes into the field's Arrow vector.
 *
 * <p>Lists are the standard three-level {@code LIST} groups or the legacy two-level ones; maps are
 * lists of key-value structs; timestamps, times and dates are rescaled from the Parquet unit to the
 * Arrow one (pyarrow stores timestamp[s] as milliseconds, for one).
 */
abstract class ParquetValues {
  private static final long NANOS_PER_DAY = 86_400_000_000_000L;
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  private final int index;

  private ParquetValues(int index) {
    this.index = index;
  }

  /**
   * Returns the reader of field {@code index} of {@code parent}, whose Arrow form is {@code field}.
   *
   * @throws IllegalArgumentException if the Parquet and Arrow types do not correspond
   */
  static ParquetValues of(GroupType parent, int index, Field field) {
    Type type = parent.getType(index);
    ArrowType arrow = field.getType();
    boolean listLike =
        arrow instanceof ArrowType.List
            || arrow instanceof ArrowType.LargeList
            || arrow instanceof ArrowType.FixedSizeList
            || arrow instanceof ArrowType.Map;
    if (listLike && !type.isPrimitive() && !type.isRepetition(Type.Repetition.REPEATED)) {
      GroupType list = type.asGroupType();
      Type repeated = list.getType(0);
      boolean threeLevel =
          !repeated.isPrimitive()
              && repeated.asGroupType().getFieldCount() == 1
              && !repeated.getName().equals("array")
              && !(arrow instanceof ArrowType.Map);
      Field itemField = field.getChildren().get(0);
      ParquetValues item =
          threeLevel ? of(repeated.asGroupType(), 0, itemField) : of(list, 0, itemField);
      return new ParquetValues(index) {
        @Override
        Object value(Group g, int k) {
          Group group = g.getGroup(index(), k);
          int n = group.getFieldRepetitionCount(0);
          List<Object> out = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            out.add(threeLevel ? item.read(group.getGroup(0, i)) : item.value(group, i));
          }
          return out;
        }
      };
    }
    if (arrow instanceof ArrowType.Struct) {
      GroupType group = type.asGroupType();
      List<Field> children = field.getChildren();
      if (group.getFieldCount() != children.size()) {
        throw new IllegalArgumentException(
            "column '"
                + field.getName()
                + "' has "
                + group.getFieldCount()
                + " Parquet fields and "
                + children.size()
                + " Arrow ones");
      }
      List<ParquetValues> fields = new ArrayList<>();
      for (int i = 0; i < children.size(); i++) {
        fields.add(of(group, i, children.get(i)));
      }
      return new ParquetValues(index) {
        @Override
        Object value(Group g, int k) {
          Group struct = g.getGroup(index(), k);
          Map<String, Object> out = new LinkedHashMap<>();
          for (int i = 0; i < fields.size(); i++) {
            out.put(children.get(i).getName(), fields.get(i).read(struct));
          }
          return out;
        }
      };
    }
    if (!type.isPrimitive()) {
      throw new IllegalArgumentException(
          "column '" + field.getName() + "' is a Parquet group but" + " of Arrow type " + arrow);
    }
    return primitive(index, type.asPrimitiveType(), arrow);
  }

  /** Returns the value of this field in {@code g}, null if absent. */
  final Object read(Group g) {
    return g.getFieldRepetitionCount(index) == 0 ? null : value(g, 0);
  }

  /** Returns the {@code k}-th value of this field in {@code g}. */
  abstract Object value(Group g, int k);

  final int index() {
    return index;
  }

  private static ParquetValues primitive(int index, PrimitiveType type, ArrowType arrow) {
    LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
    long scale = scale(logical, arrow);
    return switch (type.getPrimitiveTypeName()) {
      case BOOLEAN -> reader(index, (g, k) -> g.getBoolean(index, k));
      case FLOAT -> reader(index, (g, k) -> g.getFloat(index, k));
      case DOUBLE -> reader(index, (g, k) -> g.getDouble(index, k));
      case INT32 ->
          logical instanceof DecimalLogicalTypeAnnotation d
              ? reader(index, (g, k) -> BigDecimal.valueOf(g.getInteger(index, k), d.getScale()))
              : reader(index, (g, k) -> rescale(g.getInteger(index, k), scale));
      case INT64 ->
          logical instanceof DecimalLogicalTypeAnnotation d
              ? reader(index, (g, k) -> BigDecimal.valueOf(g.getLong(index, k), d.getScale()))
              : reader(index, (g, k) -> rescale(g.getLong(index, k), scale));
      case INT96 ->
          reader(index, (g, k) -> rescale(int96Nanos(g.getInt96(index, k).getBytes()), scale));
      case BINARY, FIXED_LEN_BYTE_ARRAY ->
          logical instanceof DecimalLogicalTypeAnnotation d
              ? reader(
                  index,
                  (g, k) ->
                      new BigDecimal(
                          new BigInteger(g.getBinary(index, k).getBytes()), d.getScale()))
              : reader(index, (g, k) -> g.getBinary(index, k).getBytes());
    };
  }

  private static ParquetValues reader(
      int index, java.util.function.BiFunction<Group, Integer, Object> read) {
    return new ParquetValues(index) {
      @Override
      Object value(Group g, int k) {
        return read.apply(g, k);
      }
    };
  }

  /** Multiplies by {@code scale} if positive, divides by its opposite if negative. */
  private static long rescale(long value, long scale) {
    return scale >= 1 ? value * scale : Math.floorDiv(value, -scale);
  }

  /**
   * Returns the factor from the Parquet unit of a temporal value to its Arrow unit (see rescale).
   */
  private static long scale(LogicalTypeAnnotation logical, ArrowType arrow) {
    long from;
    if (logical instanceof TimestampLogicalTypeAnnotation t) {
      from = nanos(t.getUnit());
    } else if (logical instanceof TimeLogicalTypeAnnotation t) {
      from = nanos(t.getUnit());
    } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      from = NANOS_PER_DAY;
    } else if (arrow instanceof ArrowType.Timestamp && logical == null) {
      from = 1; // INT96
    } else {
      return 1;
    }
    long to;
    if (arrow instanceof ArrowType.Timestamp t) {
      to = nanos(t.getUnit());
    } else if (arrow instanceof ArrowType.Time t) {
      to = nanos(t.getUnit());
    } else if (arrow instanceof ArrowType.Date d) {
      to = d.getUnit() == DateUnit.DAY ? NANOS_PER_DAY : 1_000_000L;
    } else {
      return 1;
    }
    return from >= to ? from / to : -(to / from);
  }

  private static long nanos(LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> 1_000_000L;
      case MICROS -> 1_000L;
      case NANOS -> 1L;
    };
  }

  private static long nanos(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> 1_000_000_000L;
      case MILLISECOND -> 1_000_000L;
      case MICROSECOND -> 1_000L;
      case NANOSECOND -> 1L;
    };
  }

  /** Returns the nanoseconds since the epoch of a legacy INT96 timestamp. */
  private static long int96Nanos(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long nanosOfDay = b.getLong(0);
    long julianDay = Integer.toUnsignedLong(b.getInt(8));
    return (julianDay - JULIAN_EPOCH_DAY) * NANOS_PER_DAY + nanosOfDay;
  }

  /**
   * Returns {@code field} with each timestamp in the unit its Parquet {@code type} stores, which is
   * what pyarrow reads back (timestamp[s] is stored, and read, as milliseconds).
   */
  static Field parquetUnits(Type type, Field field) {
    if (field.getType() instanceof ArrowType.Timestamp t
        && type.isPrimitive()
        && type.getLogicalTypeAnnotation() instanceof TimestampLogicalTypeAnnotation p) {
      return new Field(
          field.getName(),
          new FieldType(
              field.isNullable(),
              new ArrowType.Timestamp(arrowUnit(p.getUnit()), t.getTimezone()),
              null,
              field.getMetadata()),
          List.of());
    }
    if (type.isPrimitive() || field.getChildren().isEmpty()) {
      return field;
    }
    GroupType group = type.asGroupType();
    List<Field> children = new ArrayList<>();
    for (int i = 0; i < field.getChildren().size(); i++) {
      Field child = field.getChildren().get(i);
      Type inner =
          group.getFieldCount() == field.getChildren().size()
              ? group.getType(i)
              : group.getType(0); // a list: the repeated group, then its element
      if (!inner.isPrimitive()
          && field.getType() instanceof ArrowType.List
          && inner.asGroupType().getFieldCount() == 1) {
        inner = inner.asGroupType().getType(0);
      }
      children.add(parquetUnits(inner, child));
    }
    return new Field(field.getName(), field.getFieldType(), children);
  }

  /** Returns the Arrow field for a Parquet field of a file that stored no Arrow schema. */
  static Field arrowField(Type type) {
    if (!type.isPrimitive()) {
      GroupType group = type.asGroupType();
      if (group.getLogicalTypeAnnotation()
          instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
        Type repeated = group.getType(0);
        Type element =
            !repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                ? repeated.asGroupType().getType(0)
                : repeated;
        return new Field(
            type.getName(),
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(arrowField(element)));
      }
      if (group.getLogicalTypeAnnotation() != null) {
        throw new IllegalArgumentException(
            "Parquet group '"
                + type.getName()
                + "' of logical type "
                + group.getLogicalTypeAnnotation()
                + " cannot be read without a stored Arrow schema");
      }
      return new Field(
          type.getName(),
          FieldType.nullable(ArrowType.Struct.INSTANCE),
          group.getFields().stream().map(ParquetValues::arrowField).toList());
    }
    PrimitiveType p = type.asPrimitiveType();
    LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
    ArrowType arrow;
    if (logical instanceof IntLogicalTypeAnnotation i) {
      arrow = new ArrowType.Int(i.getBitWidth(), i.isSigned());
    } else if (logical instanceof DecimalLogicalTypeAnnotation d) {
      arrow = new ArrowType.Decimal(d.getPrecision(), d.getScale(), 128);
    } else if (logical instanceof TimestampLogicalTypeAnnotation t) {
      arrow = new ArrowType.Timestamp(arrowUnit(t.getUnit()), t.isAdjustedToUTC() ? "UTC" : null);
    } else if (logical instanceof TimeLogicalTypeAnnotation t) {
      arrow =
          new ArrowType.Time(
              arrowUnit(t.getUnit()),
              t.getUnit() == LogicalTypeAnnotation.TimeUnit.MILLIS ? 32 : 64);
    } else if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
      arrow = new ArrowType.Date(DateUnit.DAY);
    } else if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) {
      arrow = ArrowType.Utf8.INSTANCE;
    } else {
      arrow =
          switch (p.getPrimitiveTypeName()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case INT32 -> new ArrowType.Int(32, true);
            case INT64 -> new ArrowType.Int(64, true);
            case INT96 -> new ArrowType.Timestamp(TimeUnit.NANOSECOND, null);
            case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BINARY -> ArrowType.Binary.INSTANCE;
            case FIXED_LEN_BYTE_ARRAY -> new ArrowType.FixedSizeBinary(p.getTypeLength());
          };
    }
    return new Field(type.getName(), FieldType.nullable(arrow), List.of());
  }

  private static TimeUnit arrowUnit(LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> TimeUnit.MILLISECOND;
      case MICROS -> TimeUnit.MICROSECOND;
      case NANOS -> TimeUnit.NANOSECOND;
    };
  }
}
