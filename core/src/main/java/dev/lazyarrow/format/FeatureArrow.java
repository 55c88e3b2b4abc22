package dev.lazyarrow.format;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Maps {@link Feature}s to the Arrow fields {@code datasets} writes for them (its {@code
 * get_nested_type} and {@code string_to_arrow}), so a split without data files still gets the
 * schema its files would have.
 */
final class FeatureArrow {

  private static final Map<String, ArrowType> SIMPLE_DTYPES =
      Map.ofEntries(
          Map.entry("null", ArrowType.Null.INSTANCE),
          Map.entry("bool", ArrowType.Bool.INSTANCE),
          Map.entry("int8", new ArrowType.Int(8, true)),
          Map.entry("int16", new ArrowType.Int(16, true)),
          Map.entry("int32", new ArrowType.Int(32, true)),
          Map.entry("int64", new ArrowType.Int(64, true)),
          Map.entry("uint8", new ArrowType.Int(8, false)),
          Map.entry("uint16", new ArrowType.Int(16, false)),
          Map.entry("uint32", new ArrowType.Int(32, false)),
          Map.entry("uint64", new ArrowType.Int(64, false)),
          Map.entry("float16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
          Map.entry("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
          Map.entry("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
          // datasets' Value rewrites these inferred names, but Array dtypes are passed to pyarrow
          // as written.
          Map.entry("float", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
          Map.entry("double", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
          Map.entry("string", ArrowType.Utf8.INSTANCE),
          Map.entry("large_string", ArrowType.LargeUtf8.INSTANCE),
          Map.entry("binary", ArrowType.Binary.INSTANCE),
          Map.entry("large_binary", ArrowType.LargeBinary.INSTANCE),
          Map.entry("date32", new ArrowType.Date(DateUnit.DAY)),
          Map.entry("date64", new ArrowType.Date(DateUnit.MILLISECOND)));

  // Same grammar as datasets' string_to_arrow, including its allowed time zone characters.
  private static final Pattern TIMESTAMP =
      Pattern.compile("timestamp\\[(s|ms|us|ns)(?:,\\s*tz=([a-zA-Z0-9/_+\\-:]*))?]");
  private static final Pattern TIME = Pattern.compile("time32\\[(s|ms)]|time64\\[(us|ns)]");
  private static final Pattern DURATION = Pattern.compile("duration\\[(s|ms|us|ns)]");
  private static final Pattern DECIMAL =
      Pattern.compile("decimal(128|256)\\((\\d+),\\s*(-?\\d+)\\)");

  // datasets stores these media features as the encoded file plus where it came from.
  private static final Set<String> BYTES_AND_PATH_TYPES =
      Set.of("Image", "Audio", "Video", "Pdf", "Nifti", "Mesh");

  private FeatureArrow() {}

  static Field field(String name, Feature feature) {
    return switch (feature.kind()) {
      case VALUE -> leaf(name, valueType(feature.dtype()));
      case CLASS_LABEL -> leaf(name, new ArrowType.Int(64, true));
      case LIST ->
          node(
              name,
              feature.length() < 0
                  ? ArrowType.List.INSTANCE
                  : new ArrowType.FixedSizeList(feature.length()),
              List.of(field("item", feature.element())));
      case LARGE_LIST ->
          node(name, ArrowType.LargeList.INSTANCE, List.of(field("item", feature.element())));
      case ARRAY -> array(name, feature);
      // datasets sorts the languages for the struct, whatever order the JSON lists them in.
      case TRANSLATION ->
          node(
              name,
              ArrowType.Struct.INSTANCE,
              feature.languages().stream()
                  .sorted()
                  .map(language -> leaf(language, ArrowType.Utf8.INSTANCE))
                  .toList());
      case TRANSLATION_VARIABLE_LANGUAGES ->
          node(
              name,
              ArrowType.Struct.INSTANCE,
              List.of(stringList("language"), stringList("translation")));
      case STRUCT ->
          node(
              name,
              ArrowType.Struct.INSTANCE,
              feature.fields().entrySet().stream()
                  .map(e -> field(e.getKey(), e.getValue()))
                  .toList());
      case IMAGE, AUDIO, OTHER -> {
        if (!BYTES_AND_PATH_TYPES.contains(feature.typeName())) {
          throw new IllegalArgumentException(
              "field '"
                  + name
                  + "': feature _type '"
                  + feature.typeName()
                  + "' has no known Arrow type; known are Value, ClassLabel, List, Sequence,"
                  + " LargeList, Array2D..Array5D, Translation, TranslationVariableLanguages and "
                  + BYTES_AND_PATH_TYPES);
        }
        yield node(
            name,
            ArrowType.Struct.INSTANCE,
            List.of(
                leaf("bytes", ArrowType.Binary.INSTANCE), leaf("path", ArrowType.Utf8.INSTANCE)));
      }
    };
  }

  private static Field stringList(String name) {
    return node(name, ArrowType.List.INSTANCE, List.of(leaf("item", ArrowType.Utf8.INSTANCE)));
  }

  /**
   * Array2D..Array5D are pyarrow extension types over variable-size lists (datasets avoids
   * fixed-size ones); Java has no such extension registered, so it reads them as the storage type
   * with the extension keys left in the field metadata, which is what this produces.
   */
  private static Field array(String name, Feature feature) {
    int[] shape = feature.shape();
    Field inner = leaf("item", valueType(feature.dtype()));
    for (int i = shape.length - 1; i > 0; i--) {
      inner = node("item", ArrowType.List.INSTANCE, List.of(inner));
    }
    // Byte-for-byte what Python's json.dumps((shape, dtype)) writes, None as null.
    String dims =
        Arrays.stream(shape)
            .mapToObj(d -> d < 0 ? "null" : Integer.toString(d))
            .collect(Collectors.joining(", "));
    Map<String, String> metadata =
        Map.of(
            "ARROW:extension:name",
                "datasets.features.features." + feature.typeName() + "ExtensionType",
            "ARROW:extension:metadata",
                "[[" + dims + "], " + TextNode.valueOf(feature.dtype()) + "]");
    return new Field(
        name, new FieldType(true, ArrowType.List.INSTANCE, null, metadata), List.of(inner));
  }

  private static ArrowType valueType(String dtype) {
    ArrowType simple = SIMPLE_DTYPES.get(dtype);
    if (simple != null) {
      return simple;
    }
    Matcher m = TIMESTAMP.matcher(dtype);
    if (m.matches()) {
      String zone = m.group(2);
      return new ArrowType.Timestamp(
          unit(m.group(1)), zone == null || zone.isEmpty() ? null : zone);
    }
    if ((m = TIME.matcher(dtype)).matches()) {
      return m.group(1) != null
          ? new ArrowType.Time(unit(m.group(1)), 32)
          : new ArrowType.Time(unit(m.group(2)), 64);
    }
    if ((m = DURATION.matcher(dtype)).matches()) {
      return new ArrowType.Duration(unit(m.group(1)));
    }
    if ((m = DECIMAL.matcher(dtype)).matches()) {
      return new ArrowType.Decimal(
          Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(1)));
    }
    throw new IllegalArgumentException(
        "unsupported dtype '"
            + dtype
            + "': supported are null, bool, int8..int64, uint8..uint64, float16/32/64, string,"
            + " large_string, binary, large_binary, date32, date64, timestamp[s|ms|us|ns] with"
            + " optional ', tz=zone', time32[s|ms], time64[us|ns], duration[s|ms|us|ns] and"
            + " decimal128/256(precision, scale)");
  }

  private static TimeUnit unit(String unit) {
    return switch (unit) {
      case "s" -> TimeUnit.SECOND;
      case "ms" -> TimeUnit.MILLISECOND;
      case "us" -> TimeUnit.MICROSECOND;
      default -> TimeUnit.NANOSECOND;
    };
  }

  private static Field leaf(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static Field node(String name, ArrowType type, List<Field> children) {
    return new Field(name, FieldType.nullable(type), children);
  }
}
