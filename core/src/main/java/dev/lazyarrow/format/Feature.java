package dev.lazyarrow.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One feature (column type) of a HuggingFace {@code datasets} dataset, as written in {@code
 * dataset_info.json} under "features" or in the Arrow schema metadata under "huggingface".
 *
 * <p>Instances are immutable. Both the current spelling ({@code "List"}) and the legacy one ({@code
 * "Sequence"}, bare {@code [feature]} arrays) are read.
 */
public final class Feature {

  /**
   * The kind of a feature, one per {@code datasets} feature class that this library understands.
   */
  public enum Kind {
    /** A scalar {@code Value} with a dtype such as "int64" or "string". */
    VALUE,
    /** A {@code ClassLabel}: an int64 index into a list of label names. */
    CLASS_LABEL,
    /** A {@code List} (or legacy {@code Sequence}) with 32-bit offsets or a fixed length. */
    LIST,
    /** A {@code LargeList} with 64-bit offsets. */
    LARGE_LIST,
    /** An {@code Array2D} .. {@code Array5D} tensor of one dtype and shape. */
    ARRAY,
    /** An {@code Image}, stored as its encoded bytes and path. */
    IMAGE,
    /** An {@code Audio} clip, stored as its encoded bytes and path. */
    AUDIO,
    /** A {@code Translation} with a fixed set of languages. */
    TRANSLATION,
    /** A {@code TranslationVariableLanguages} whose rows may each have different languages. */
    TRANSLATION_VARIABLE_LANGUAGES,
    /** A dict of named sub-features. */
    STRUCT,
    /** A {@code _type} this library does not model; only its raw JSON is kept. */
    OTHER
  }

  private final Kind kind;
  private final String dtype;
  // ClassLabel names or translation languages: no kind has both.
  private final List<String> strings;
  private final Feature element;
  private final int length;
  private final int[] shape;
  private final Map<String, Feature> fields;
  private final JsonNode json;

  Feature(
      Kind kind,
      String dtype,
      List<String> strings,
      Feature element,
      int length,
      int[] shape,
      Map<String, Feature> fields,
      JsonNode json) {
    this.kind = kind;
    this.dtype = dtype;
    this.strings = strings;
    this.element = element;
    this.length = length;
    this.shape = shape;
    this.fields = fields;
    this.json = json;
  }

  /**
   * Parses one feature from its JSON text, as {@code datasets} writes it.
   *
   * @throws IllegalArgumentException if the text is not a well-formed feature of a known {@code
   *     _type} (unknown {@code _type}s parse as {@link Kind#OTHER})
   */
  public static Feature parse(String json) {
    return FeatureReader.parse(FeatureReader.tree(json));
  }

  /**
   * Parses the JSON text of a top-level "features" object into column name to feature, in column
   * order.
   *
   * @throws IllegalArgumentException if it is not a JSON object or one feature is malformed
   */
  public static LinkedHashMap<String, Feature> parseAll(String json) {
    return FeatureReader.parseAll(FeatureReader.tree(json));
  }

  /**
   * Returns the Arrow schema {@code datasets} writes for these columns, in the map's iteration
   * order.
   */
  public static Schema toArrowSchema(Map<String, Feature> features) {
    return new Schema(
        features.entrySet().stream().map(e -> e.getValue().toArrowField(e.getKey())).toList());
  }

  /** Returns the kind of this feature. */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the {@code _type} name as written ("Sequence" stays "Sequence"), or "" if there is
   * none.
   */
  String typeName() {
    return json.path("_type").asText();
  }

  /**
   * Returns the dtype string of a {@link Kind#VALUE} or {@link Kind#ARRAY} feature as written, null
   * otherwise.
   */
  public String dtype() {
    return dtype;
  }

  /**
   * Returns the label names of a {@link Kind#CLASS_LABEL} feature in index order, empty otherwise.
   */
  public List<String> names() {
    return kind == Kind.CLASS_LABEL ? strings : List.of();
  }

  /**
   * Returns the name of class label {@code label} of a {@link Kind#CLASS_LABEL} feature.
   *
   * @throws IllegalStateException if this is not a class label feature
   * @throws IllegalArgumentException if {@code label} is not a valid index into {@link #names()}
   */
  public String labelName(int label) {
    if (kind != Kind.CLASS_LABEL) {
      throw new IllegalStateException("labelName needs a CLASS_LABEL feature, this one is " + kind);
    }
    if (label < 0 || label >= strings.size()) {
      // ImageNet-sized label sets would drown the message.
      String shown =
          strings.size() <= 10
              ? String.join(", ", strings)
              : String.join(", ", strings.subList(0, 10)) + ", ... (" + strings.size() + " names)";
      throw new IllegalArgumentException(
          "label "
              + label
              + " is outside 0.."
              + (strings.size() - 1)
              + " of ClassLabel ["
              + shown
              + "]");
    }
    return strings.get(label);
  }

  /**
   * Returns the item feature of a {@link Kind#LIST} or {@link Kind#LARGE_LIST} feature, null
   * otherwise.
   */
  public Feature element() {
    return element;
  }

  /**
   * Returns the fixed length of a {@link Kind#LIST} feature, or -1 if its length varies or it is no
   * list.
   */
  public int length() {
    return length;
  }

  /**
   * Returns a copy of the shape of an {@link Kind#ARRAY} feature (first size -1 if it varies),
   * empty otherwise.
   */
  public int[] shape() {
    return shape.clone();
  }

  /**
   * Returns a copy of the sub-features of a {@link Kind#STRUCT} feature in declaration order, empty
   * otherwise.
   */
  public LinkedHashMap<String, Feature> fields() {
    return new LinkedHashMap<>(fields);
  }

  /**
   * Returns the languages of a translation feature as written (may be empty for variable
   * languages), else empty.
   */
  public List<String> languages() {
    return kind == Kind.CLASS_LABEL ? List.of() : strings;
  }

  /**
   * Returns a copy of the JSON this feature was parsed from, so it can be written back unchanged.
   *
   * <p>The fields of a legacy {@code Sequence} of a dict are the exception: each is a synthesized
   * {@code "List"} node, as {@code datasets} itself rewrites them.
   */
  JsonNode toJson() {
    return json.deepCopy();
  }

  /**
   * Returns the nullable Arrow field that {@code datasets} uses to store this feature under {@code
   * name}.
   *
   * @throws IllegalArgumentException if the feature (or one inside it) has a dtype or {@code _type}
   *     without an Arrow mapping
   */
  public Field toArrowField(String name) {
    return FeatureArrow.field(name, this);
  }

  /** Returns the JSON text of this feature. */
  @Override
  public String toString() {
    return json.toString();
  }
}
