package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.internal.convert.SourceLimits;
import dev.lazyarrow.internal.convert.VectorAppender;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The type of the values at one place of JSON Lines rows, inferred the way the datasets json
 * builder infers it (with pyarrow's JSON reader), merged over every line.
 *
 * <p>null is int64, double, bool, string, list or struct once a value says which; integers and
 * floats make double, as does an integer beyond int64; strings that all read as ISO 8601 date-times
 * without fractions ({@code 2020-01-01}, {@code 2020-01-01 10:00}, {@code
 * 2020-01-01T10:00:00+01:00}) make timestamp[s] in UTC; an empty list has items of type null; a
 * value missing from a row is null. Where datasets 5 falls back to its Json feature, a column whose
 * values change kind (number then string) or nested objects whose keys differ from row to row, this
 * refuses the file instead.
 */
final class JsonType {
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "(\\d{4})-(\\d{2})-(\\d{2})"
              + "(?:[ T](\\d{2})(?::(\\d{2})(?::(\\d{2}))?)?(Z|[+-]\\d{2}(?::?\\d{2})?)?)?");

  private enum Kind {
    NULL,
    BOOL,
    NUMBER_INT,
    NUMBER_FLOAT,
    STRING,
    LIST,
    OBJECT
  }

  private final String path;
  /** Columns made so far in the row type this belongs to, nested ones included: one count. */
  private final int[] columns;
  private Kind kind = Kind.NULL;
  private boolean timestamps = true;
  private JsonType items;
  private final Map<String, JsonType> fields = new LinkedHashMap<>();
  private TreeSet<String> firstKeys;
  private long firstKeysLine;

  private JsonType(String path, int[] columns) {
    this.path = path;
    this.columns = columns;
  }

  /** Returns the type of a whole row: an object whose keys are the columns. */
  static JsonType row() {
    return new JsonType("", new int[1]);
  }

  /**
   * Returns a new type at {@code path}, counted against {@link SourceLimits#maxColumns()}: each
   * column, nested or not, becomes Arrow vectors of its own.
   */
  private JsonType child(String path, long line) {
    if (++columns[0] > SourceLimits.maxColumns()) {
      throw new IllegalArgumentException(
          "line "
              + line
              + ": more than "
              + SourceLimits.maxColumns()
              + " distinct keys and lists (columns), more than this heap holds");
    }
    return new JsonType(path, columns);
  }

  /** Widens this type to hold {@code value}, read on line {@code line}. */
  void merge(JsonNode value, long line) {
    if (value.isNull()) {
      return;
    }
    Kind seen =
        value.isBoolean()
            ? Kind.BOOL
            : value.isIntegralNumber() && value.canConvertToLong()
                ? Kind.NUMBER_INT
                : value.isNumber()
                    ? Kind.NUMBER_FLOAT
                    : value.isTextual() ? Kind.STRING : value.isArray() ? Kind.LIST : Kind.OBJECT;
    if (kind == Kind.NULL || kind == Kind.NUMBER_INT && seen == Kind.NUMBER_FLOAT) {
      kind = seen;
    } else if (kind != seen && !(kind == Kind.NUMBER_FLOAT && seen == Kind.NUMBER_INT)) {
      throw new IllegalArgumentException(
          "line "
              + line
              + ": "
              + where()
              + " changed from "
              + name(kind)
              + " to "
              + name(seen)
              + "; datasets stores such a column as Json, which"
              + " LazyArrow does not convert");
    }
    switch (seen) {
      case STRING -> timestamps &= epochSeconds(value.asText()) != null;
      case LIST -> {
        if (items == null) {
          items = child(path + "[]", line);
        }
        value.forEach(item -> items.merge(item, line));
      }
      case OBJECT -> mergeObject(value, line);
      default -> {}
    }
  }

  private void mergeObject(JsonNode value, long line) {
    if (!path.isEmpty()) {
      TreeSet<String> keys = new TreeSet<>();
      value.fieldNames().forEachRemaining(keys::add);
      if (firstKeys == null) {
        firstKeys = keys;
        firstKeysLine = line;
      }
      if (keys.isEmpty() || !keys.equals(firstKeys)) {
        throw new IllegalArgumentException(
            "line "
                + line
                + ": the objects of "
                + where()
                + " have keys "
                + keys
                + ", on line "
                + firstKeysLine
                + " "
                + firstKeys
                + "; datasets stores such a column as Json, which LazyArrow does not convert");
      }
    }
    value
        .fields()
        .forEachRemaining(
            e ->
                fields
                    .computeIfAbsent(
                        e.getKey(), k -> child(path.isEmpty() ? k : path + "." + k, line))
                    .merge(e.getValue(), line));
  }

  /** Returns the Arrow fields of a row type, one per column in order of first appearance. */
  List<Field> columns() {
    List<Field> columns = new ArrayList<>();
    fields.forEach((name, type) -> columns.add(type.field(name)));
    return columns;
  }

  /** Returns {@code value} as the Java value that {@link VectorAppender} writes for this type. */
  Object value(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    return switch (kind) {
      case NULL -> null;
      case BOOL -> value.booleanValue();
      case NUMBER_INT -> value.longValue();
      case NUMBER_FLOAT -> value.doubleValue();
      case STRING -> timestamps ? epochSeconds(value.asText()) : value.asText();
      case LIST -> {
        List<Object> list = new ArrayList<>(value.size());
        value.forEach(item -> list.add(items.value(item)));
        yield list;
      }
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        fields.forEach((name, type) -> map.put(name, type.value(value.get(name))));
        yield map;
      }
    };
  }

  private Field field(String name) {
    ArrowType type =
        switch (kind) {
          case NULL -> ArrowType.Null.INSTANCE;
          case BOOL -> ArrowType.Bool.INSTANCE;
          case NUMBER_INT -> new ArrowType.Int(64, true);
          case NUMBER_FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case STRING ->
              timestamps ? new ArrowType.Timestamp(TimeUnit.SECOND, null) : ArrowType.Utf8.INSTANCE;
          case LIST -> ArrowType.List.INSTANCE;
          case OBJECT -> ArrowType.Struct.INSTANCE;
        };
    List<Field> children =
        kind == Kind.LIST
            ? List.of(items.field("item"))
            : kind == Kind.OBJECT ? columns() : List.of();
    return new Field(name, FieldType.nullable(type), children);
  }

  /**
   * Returns the seconds since the epoch of an ISO 8601 date-time as pyarrow's JSON reader accepts
   * it for timestamp[s], or null if it is not one.
   */
  static Long epochSeconds(String text) {
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) {
      return null;
    }
    try {
      int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
      int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
      int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
      if (hour > 23 || minute > 59 || second > 59) {
        return null;
      }
      LocalDate date =
          LocalDate.of(
              Integer.parseInt(m.group(1)),
              Integer.parseInt(m.group(2)),
              Integer.parseInt(m.group(3)));
      String zone = m.group(7);
      int offset = 0;
      if (zone != null && !zone.equals("Z")) {
        String digits = zone.substring(1).replace(":", "");
        int minutes =
            Integer.parseInt(digits.substring(0, 2)) * 60
                + (digits.length() > 2 ? Integer.parseInt(digits.substring(2)) : 0);
        offset = (zone.charAt(0) == '-' ? -60 : 60) * minutes;
      }
      return date.atTime(hour, minute, second).toEpochSecond(ZoneOffset.UTC) - offset;
    } catch (DateTimeException e) {
      return null;
    }
  }

  private String where() {
    return path.isEmpty() ? "the row" : "column '" + path + "'";
  }

  private static String name(Kind kind) {
    return switch (kind) {
      case NUMBER_INT, NUMBER_FLOAT -> "number";
      case OBJECT -> "object";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
