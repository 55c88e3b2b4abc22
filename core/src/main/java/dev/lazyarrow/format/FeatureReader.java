package dev.lazyarrow.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.Feature.Kind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Reads {@link Feature}s from the JSON that {@code datasets} writes: {@code dataset_info.json}'s
 * "features", or the Arrow schema metadata under "huggingface". Both the current spelling ({@code
 * "List"}) and the legacy one ({@code "Sequence"}, bare {@code [feature]} arrays) are read.
 */
final class FeatureReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FeatureReader() {}

  /**
   * Parses JSON text into a tree.
   *
   * @throws IllegalArgumentException if it is not JSON
   */
  static JsonNode tree(String json) {
    Objects.requireNonNull(json, "json");
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("features must be JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Feature leaf(
      Kind kind, String dtype, List<String> strings, int[] shape, JsonNode json) {
    return new Feature(kind, dtype, strings, null, -1, shape, Map.of(), json);
  }

  /**
   * Parses one feature from its JSON form.
   *
   * @throws IllegalArgumentException if the JSON is not a well-formed feature of a known {@code
   *     _type} (unknown {@code _type}s parse as {@link Kind#OTHER})
   */
  static Feature parse(JsonNode node) {
    Objects.requireNonNull(node, "node");
    // A private copy: later changes to the caller's tree must not leak into this immutable value.
    return read(node.deepCopy());
  }

  /**
   * Parses the top-level "features" object into column name to feature, in column order.
   *
   * @throws IllegalArgumentException if {@code features} is not a JSON object or one feature is
   *     malformed
   */
  static LinkedHashMap<String, Feature> parseAll(JsonNode features) {
    Objects.requireNonNull(features, "features");
    if (!features.isObject()) {
      throw new IllegalArgumentException(
          "features must be a JSON object of column name to feature, got "
              + features.getNodeType()
              + ": "
              + abbreviate(features));
    }
    LinkedHashMap<String, Feature> out = new LinkedHashMap<>();
    features.properties().forEach(e -> out.put(e.getKey(), parse(e.getValue())));
    return out;
  }

  /**
   * Returns the "features" object that {@code datasets} stores in an Arrow schema's metadata under
   * key {@code huggingface} as {@code {"info": {"features": {...}}}}, or empty if there is none.
   *
   * @throws IllegalArgumentException if the {@code huggingface} value is not JSON of that form
   */
  static Optional<JsonNode> fromSchemaMetadata(Map<String, String> schemaMetadata) {
    String value = schemaMetadata.get("huggingface");
    if (value == null) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "schema metadata 'huggingface' must be JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode features = root.path("info").path("features");
    if (!root.isObject() || !features.isMissingNode() && !features.isObject()) {
      throw new IllegalArgumentException(
          "schema metadata 'huggingface' must be a JSON object whose"
              + " info.features, if present, is an object, got "
              + abbreviate(root));
    }
    return features.isMissingNode() ? Optional.empty() : Optional.of(features);
  }

  private static Feature read(JsonNode node) {
    if (node.isArray()) {
      if (node.size() != 1) {
        throw new IllegalArgumentException(
            "a list feature written as a JSON array must hold exactly one"
                + " item feature, got "
                + node.size()
                + ": "
                + abbreviate(node));
      }
      return listOf(Kind.LIST, read(node.get(0)), -1, node);
    }
    if (isStruct(node)) {
      return structOf(node, FeatureReader::read, node);
    }
    JsonNode type = node.path("_type");
    if (!type.isTextual()) {
      throw new IllegalArgumentException(
          "a feature must be a JSON object with a string _type, a dict of"
              + " features or a one-item array, got "
              + abbreviate(node));
    }
    String name = type.asText();
    return switch (name) {
      case "Value" -> leaf(Kind.VALUE, text(node, "dtype"), List.of(), new int[0], node);
      case "ClassLabel" -> leaf(Kind.CLASS_LABEL, null, texts(node, "names"), new int[0], node);
      case "List" -> listOf(Kind.LIST, read(feature(node)), listLength(node), node);
      case "LargeList" -> listOf(Kind.LARGE_LIST, read(feature(node)), -1, node);
      case "Sequence" -> readSequence(node);
      case "Array2D", "Array3D", "Array4D", "Array5D" ->
          leaf(
              Kind.ARRAY,
              text(node, "dtype"),
              List.of(),
              readShape(node, name.charAt(5) - '0'),
              node);
      case "Image" -> leaf(Kind.IMAGE, null, List.of(), new int[0], node);
      case "Audio" -> leaf(Kind.AUDIO, null, List.of(), new int[0], node);
      case "Translation" ->
          leaf(Kind.TRANSLATION, null, texts(node, "languages"), new int[0], node);
      // datasets lets these languages be omitted or null, meaning any language per row.
      case "TranslationVariableLanguages" ->
          leaf(
              Kind.TRANSLATION_VARIABLE_LANGUAGES,
              null,
              node.path("languages").isArray() ? texts(node, "languages") : List.of(),
              new int[0],
              node);
      default -> leaf(Kind.OTHER, null, List.of(), new int[0], node);
    };
  }

  // A dict is a struct when it has no _type, or when "_type" is one of its own sub-features.
  private static boolean isStruct(JsonNode node) {
    return node.isObject() && (!node.has("_type") || node.get("_type").isObject());
  }

  private static Feature readSequence(JsonNode node) {
    JsonNode item = feature(node);
    int length = listLength(node);
    if (!isStruct(item)) {
      return listOf(Kind.LIST, read(item), length, node);
    }
    // Sequence of a dict came from TFDS and was always stored as a dict of lists; datasets 4+ turns
    // a dict
    // whose values are all lists into a list of dicts instead, but the data files written with the
    // legacy
    // spelling have the dict-of-lists layout, so that is what this must describe.
    return structOf(
        item,
        sub -> {
          ObjectNode synthetic = JsonNodeFactory.instance.objectNode().set("feature", sub);
          if (length >= 0) {
            synthetic.put("length", length);
          }
          synthetic.put("_type", "List");
          return listOf(Kind.LIST, read(sub), length, synthetic);
        },
        node);
  }

  private static Feature structOf(
      JsonNode dict, Function<JsonNode, Feature> reader, JsonNode json) {
    LinkedHashMap<String, Feature> fields = new LinkedHashMap<>();
    dict.properties().forEach(e -> fields.put(e.getKey(), reader.apply(e.getValue())));
    return new Feature(
        Kind.STRUCT,
        null,
        List.of(),
        null,
        -1,
        new int[0],
        Collections.unmodifiableMap(fields),
        json);
  }

  private static Feature listOf(Kind kind, Feature element, int length, JsonNode json) {
    return new Feature(kind, null, List.of(), element, length, new int[0], Map.of(), json);
  }

  private static int listLength(JsonNode node) {
    return node.has("length")
        ? need(
                node,
                "length",
                v -> v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= -1,
                "-1 (variable) or a size >= 0")
            .asInt()
        : -1;
  }

  private static int[] readShape(JsonNode node, int dims) {
    // datasets lets only the first dimension vary: None in Python, null in JSON.
    JsonNode shape =
        need(
            node,
            "shape",
            v ->
                v.isArray()
                    && v.size() == dims
                    && IntStream.range(0, dims)
                        .allMatch(i -> i == 0 && v.get(i).isNull() || isSize(v.get(i))),
            "an array of " + dims + " sizes >= 0 (the first may be null)");
    return IntStream.range(0, dims)
        .map(i -> shape.get(i).isNull() ? -1 : shape.get(i).asInt())
        .toArray();
  }

  private static boolean isSize(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToInt() && v.asInt() >= 0;
  }

  private static JsonNode feature(JsonNode node) {
    return need(node, "feature", v -> !v.isMissingNode() && !v.isNull(), "the item feature");
  }

  private static String text(JsonNode node, String key) {
    return need(node, key, JsonNode::isTextual, "a string").asText();
  }

  private static List<String> texts(JsonNode node, String key) {
    return need(
            node,
            key,
            v -> v.isArray() && v.valueStream().allMatch(JsonNode::isTextual),
            "an array of strings")
        .valueStream()
        .map(JsonNode::asText)
        .toList();
  }

  private static JsonNode need(JsonNode node, String key, Predicate<JsonNode> valid, String rule) {
    JsonNode value = node.path(key);
    if (!valid.test(value)) {
      throw new IllegalArgumentException(
          node.path("_type").asText()
              + " \""
              + key
              + "\" must be "
              + rule
              + ", got "
              + (value.isMissingNode() ? "nothing" : abbreviate(value))
              + " in "
              + abbreviate(node));
    }
    return value;
  }

  private static String abbreviate(JsonNode node) {
    String s = node.toString();
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

}
