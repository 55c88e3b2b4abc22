package dev.lazyarrow.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.Feature;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The HuggingFace features of a dataset written from Spark: derived from its Arrow schema as {@code
 * datasets}' {@code Features.from_arrow_schema} derives them, with {@code ClassLabel} for the
 * columns given label names, or given whole as a features JSON.
 */
final class HfFeatures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HfFeatures() {}

  /**
   * Returns the features of {@code schema}: {@code given} if not null (checked against the schema),
   * else derived with the {@code labels} names for label columns; null if a column has no
   * HuggingFace feature (a map or an interval), as {@code datasets} has none for it either.
   *
   * @throws IllegalArgumentException if {@code given} is not a features object matching the
   *     columns, or a label column is not of type bigint or array of bigint
   */
  static JsonNode of(Schema schema, String given, Map<String, List<String>> labels) {
    if (given != null) {
      return checked(schema, given);
    }
    ObjectNode features = JSON.createObjectNode();
    for (Field f : schema.getFields()) {
      JsonNode feature = feature(f);
      List<String> names = labels.get(f.getName());
      if (names != null) {
        feature = label(f, names);
      }
      if (feature == null) {
        return null;
      }
      features.set(f.getName(), feature);
    }
    for (String column : labels.keySet()) {
      if (!features.has(column)) {
        throw new IllegalArgumentException(
            "label names given for column '" + column + "', which is not written");
      }
    }
    return features;
  }

  private static JsonNode label(Field f, List<String> names) {
    ObjectNode label = JSON.createObjectNode();
    names.forEach(label.putArray("names")::add);
    label.put("_type", "ClassLabel");
    if (isInt64(f.getType())) {
      return label;
    }
    if (f.getType() instanceof ArrowType.List && isInt64(f.getChildren().get(0).getType())) {
      return list("List", label);
    }
    throw new IllegalArgumentException(
        "label column '"
            + f.getName()
            + "' must be bigint or array<bigint> (datasets stores a ClassLabel as int64), found "
            + f.getType()
            + "; cast it first");
  }

  private static boolean isInt64(ArrowType type) {
    return type instanceof ArrowType.Int i && i.getBitWidth() == 64 && i.getIsSigned();
  }

  private static JsonNode checked(Schema schema, String given) {
    JsonNode features;
    try {
      features = JSON.readTree(given);
    } catch (IOException e) {
      throw new IllegalArgumentException("option features is not valid JSON: " + e.getMessage());
    }
    if (features == null || !features.isObject()) {
      throw new IllegalArgumentException("option features must be a JSON object, found " + given);
    }
    Map<String, Feature> parsed = Feature.parseAll(features.toString());
    List<String> columns = schema.getFields().stream().map(Field::getName).toList();
    if (!List.copyOf(parsed.keySet()).equals(columns)) {
      throw new IllegalArgumentException(
          "option features names " + parsed.keySet() + " but the columns are " + columns);
    }
    List<Field> expected = Feature.toArrowSchema(parsed).getFields();
    for (int i = 0; i < columns.size(); i++) {
      if (!sameTypes(expected.get(i), schema.getFields().get(i))) {
        throw new IllegalArgumentException(
            "column '"
                + columns.get(i)
                + "': its feature is stored as "
                + expected.get(i).getType()
                + " but the column is "
                + schema.getFields().get(i).getType());
      }
    }
    return features;
  }

  /** Compares types recursively, ignoring child names (pyarrow's "item", Spark's "element"). */
  private static boolean sameTypes(Field a, Field b) {
    if (!a.getType().equals(b.getType()) || a.getChildren().size() != b.getChildren().size()) {
      return false;
    }
    for (int i = 0; i < a.getChildren().size(); i++) {
      if (!sameTypes(a.getChildren().get(i), b.getChildren().get(i))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode feature(Field f) {
    ArrowType type = f.getType();
    if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
      JsonNode item = feature(f.getChildren().get(0));
      return item == null
          ? null
          : list(type instanceof ArrowType.List ? "List" : "LargeList", item);
    }
    if (type instanceof ArrowType.Struct) {
      ObjectNode struct = JSON.createObjectNode();
      for (Field child : f.getChildren()) {
        JsonNode c = feature(child);
        if (c == null) {
          return null;
        }
        struct.set(child.getName(), c);
      }
      return struct;
    }
    String dtype = dtype(type);
    if (dtype == null) {
      return null;
    }
    ObjectNode value = JSON.createObjectNode();
    value.put("dtype", dtype);
    value.put("_type", "Value");
    return value;
  }

  private static ObjectNode list(String kind, JsonNode item) {
    ObjectNode list = JSON.createObjectNode();
    list.set("feature", item);
    list.put("_type", kind);
    return list;
  }

  /** Returns pyarrow's name of a primitive type, as datasets' Value dtype, or null if none. */
  private static String dtype(ArrowType type) {
    if (type instanceof ArrowType.Int i) {
      return (i.getIsSigned() ? "int" : "uint") + i.getBitWidth();
    } else if (type instanceof ArrowType.FloatingPoint fp) {
      return switch (fp.getPrecision()) {
        case HALF -> "float16";
        case SINGLE -> "float32";
        case DOUBLE -> "float64";
      };
    } else if (type instanceof ArrowType.Decimal d) {
      return "decimal" + d.getBitWidth() + "(" + d.getPrecision() + ", " + d.getScale() + ")";
    } else if (type instanceof ArrowType.Timestamp t) {
      String unit = unit(t.getUnit());
      return t.getTimezone() == null
          ? "timestamp[" + unit + "]"
          : "timestamp[" + unit + ", tz=" + t.getTimezone() + "]";
    } else if (type instanceof ArrowType.Date d) {
      return d.getUnit() == DateUnit.DAY ? "date32" : "date64";
    } else if (type instanceof ArrowType.Duration d) {
      return "duration[" + unit(d.getUnit()) + "]";
    } else if (type instanceof ArrowType.Time t) {
      return (t.getBitWidth() == 32 ? "time32[" : "time64[") + unit(t.getUnit()) + "]";
    }
    return switch (type.getTypeID()) {
      case Bool -> "bool";
      case Utf8 -> "string";
      case LargeUtf8 -> "large_string";
      case Binary -> "binary";
      case LargeBinary -> "large_binary";
      case Null -> "null";
      default -> null;
    };
  }

  private static String unit(TimeUnit unit) {
    return switch (unit) {
      case SECOND -> "s";
      case MILLISECOND -> "ms";
      case MICROSECOND -> "us";
      case NANOSECOND -> "ns";
    };
  }
}
