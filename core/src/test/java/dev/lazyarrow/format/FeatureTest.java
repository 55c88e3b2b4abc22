package dev.lazyarrow.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.Feature.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> EMOTIONS =
      List.of("joy", "sadness", "anger", "fear", "love", "surprise");
  private static final ArrowType INT32 = new ArrowType.Int(32, true);
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;

  // ---- helpers ----

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static Feature feature(String text) {
    return FeatureReader.parse(json(text));
  }

  /**
   * Returns the folder of a fixture Dataset: {@code save_dict_train} is save_dict's train split.
   */
  private static java.nio.file.Path fixtureFolder(String fixture) {
    return dev.lazyarrow.testing.Fixtures.path(
        "hf/" + fixture.replace("save_dict_train", "save_dict/train"));
  }

  private static JsonNode fixtureFeatures(String fixture) throws IOException {
    return JSON.readTree(fixtureFolder(fixture).resolve("dataset_info.json").toFile())
        .get("features");
  }

  private static Schema fixtureSchema(String fixture) throws IOException {
    String data =
        fixture.equals("save_dict_train")
            ? "data-00000-of-00003.arrow"
            : "data-00000-of-00001.arrow";
    try (BufferAllocator allocator = new RootAllocator();
        InputStream in = java.nio.file.Files.newInputStream(fixtureFolder(fixture).resolve(data));
        ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      return reader.getVectorSchemaRoot().getSchema();
    }
  }

  private static Field leaf(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static Field node(String name, ArrowType type, Field... children) {
    return new Field(name, FieldType.nullable(type), List.of(children));
  }

  // ---- parsing the fixtures ----

  @Test
  void parseAll_saveSingle_keepsColumnOrderAndKinds() throws IOException {
    LinkedHashMap<String, Feature> features = FeatureReader.parseAll(fixtureFeatures("save_single"));

    assertEquals(
        List.of(
            "id",
            "text",
            "flag",
            "i8",
            "i16",
            "i32",
            "u8",
            "u32",
            "u64",
            "f16",
            "f32",
            "f64",
            "big_text",
            "blob",
            "when",
            "day",
            "label",
            "labels",
            "input_ids",
            "nested",
            "big_list",
            "fixed",
            "meta",
            "maybe"),
        new ArrayList<>(features.keySet()));
    Map<String, Kind> kinds =
        features.entrySet().stream()
            .filter(e -> e.getValue().kind() != Kind.VALUE)
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().kind()));
    assertEquals(
        Map.of(
            "label",
            Kind.CLASS_LABEL,
            "labels",
            Kind.LIST,
            "input_ids",
            Kind.LIST,
            "nested",
            Kind.LIST,
            "big_list",
            Kind.LARGE_LIST,
            "fixed",
            Kind.LIST,
            "meta",
            Kind.STRUCT),
        kinds);
    assertEquals("timestamp[ms]", features.get("when").dtype());
    assertEquals("large_string", features.get("big_text").dtype());
  }

  @Test
  void parseAll_notAnObject_throwsWithTheNode() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FeatureReader.parseAll(json("[1]")));
    assertEquals(
        "features must be a JSON object of column name to feature, got ARRAY: [1]", e.getMessage());
  }

  @Test
  void parse_value_readsDtypeAndNothingElse() {
    Feature f = feature("{'dtype': 'int64', '_type': 'Value'}");

    assertEquals(Kind.VALUE, f.kind());
    assertEquals("int64", f.dtype());
    assertEquals(List.of(), f.names());
    assertNull(f.element());
    assertEquals(-1, f.length());
    assertArrayEquals(new int[0], f.shape());
    assertEquals(Map.of(), f.fields());
    assertEquals(List.of(), f.languages());
  }

  @Test
  void parse_classLabel_readsNamesInOrder() throws IOException {
    Feature label = FeatureReader.parseAll(fixtureFeatures("save_single")).get("label");

    assertEquals(Kind.CLASS_LABEL, label.kind());
    assertEquals(EMOTIONS, label.names());
    assertNull(label.dtype());
    assertEquals("joy", label.labelName(0));
    assertEquals("surprise", label.labelName(5));
  }

  @ParameterizedTest
  @ValueSource(ints = {6, 7, -1})
  void labelName_outsideNames_throwsWithRuleAndBadValue(int label) throws IOException {
    Feature f = FeatureReader.parseAll(fixtureFeatures("save_single")).get("label");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.labelName(label));
    assertEquals(
        "label "
            + label
            + " is outside 0..5 of ClassLabel [joy, sadness, anger, fear, love, surprise]",
        e.getMessage());
  }

  @Test
  void labelName_manyNames_abbreviatesTheList() {
    String names =
        IntStream.range(0, 1000).mapToObj(i -> "'c" + i + "'").collect(Collectors.joining(", "));
    Feature f = feature("{'names': [" + names + "], '_type': 'ClassLabel'}");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.labelName(1000));
    assertEquals(
        "label 1000 is outside 0..999 of ClassLabel [c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, ..."
            + " (1000 names)]",
        e.getMessage());
  }

  @Test
  void labelName_notClassLabel_throwsIllegalState() {
    Feature f = feature("{'dtype': 'int64', '_type': 'Value'}");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.labelName(0));
    assertEquals("labelName needs a CLASS_LABEL feature, this one is VALUE", e.getMessage());
  }

  @Test
  void parse_classLabelWithoutNames_throwsNamingTheKey() {
    // datasets drops num_classes when reading JSON and then refuses the ClassLabel, so this is no
    // loss.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> feature("{'num_classes': 3, '_type': 'ClassLabel'}"));
    assertEquals(
        "ClassLabel \"names\" must be an array of strings, got nothing in"
            + " {\"num_classes\":3,\"_type\":\"ClassLabel\"}",
        e.getMessage());
  }

  @Test
  void parse_listOfClassLabel_readsElement() throws IOException {
    Feature labels = FeatureReader.parseAll(fixtureFeatures("save_single")).get("labels");

    assertEquals(Kind.LIST, labels.kind());
    assertEquals(-1, labels.length());
    assertEquals(Kind.CLASS_LABEL, labels.element().kind());
    assertEquals(EMOTIONS, labels.element().names());
  }

  @Test
  void parse_nestedList_readsBothLevels() throws IOException {
    Feature nested = FeatureReader.parseAll(fixtureFeatures("save_single")).get("nested");

    assertEquals(Kind.LIST, nested.kind());
    assertEquals(Kind.LIST, nested.element().kind());
    assertEquals("int16", nested.element().element().dtype());
  }

  @Test
  void parse_largeList_readsElement() throws IOException {
    Feature big = FeatureReader.parseAll(fixtureFeatures("save_single")).get("big_list");

    assertEquals(Kind.LARGE_LIST, big.kind());
    assertEquals(-1, big.length());
    assertEquals("int64", big.element().dtype());
    assertEquals(
        node("big_list", ArrowType.LargeList.INSTANCE, leaf("item", INT64)),
        big.toArrowField("big_list"));
  }

  @Test
  void parse_fixedLengthList_readsLength() throws IOException {
    Feature fixed = FeatureReader.parseAll(fixtureFeatures("save_single")).get("fixed");

    assertEquals(Kind.LIST, fixed.kind());
    assertEquals(4, fixed.length());
    assertEquals("float32", fixed.element().dtype());
  }

  @Test
  void parse_legacySequence_readsAsList() {
    Feature sequence =
        feature("{'feature': {'dtype': 'int32', '_type': 'Value'}, '_type': 'Sequence'}");
    Feature list = feature("{'feature': {'dtype': 'int32', '_type': 'Value'}, '_type': 'List'}");

    assertEquals(Kind.LIST, sequence.kind());
    assertEquals(-1, sequence.length());
    assertEquals("int32", sequence.element().dtype());
    assertEquals(list.toArrowField("x"), sequence.toArrowField("x"));
    assertEquals(
        node("x", ArrowType.List.INSTANCE, leaf("item", INT32)), sequence.toArrowField("x"));
  }

  @Test
  void parse_legacySequenceWithLength_readsFixedLength() {
    Feature f =
        feature(
            "{'feature': {'dtype': 'int32', '_type': 'Value'}, 'length': 3, '_type': 'Sequence'}");

    assertEquals(Kind.LIST, f.kind());
    assertEquals(3, f.length());
    assertEquals(
        node("x", new ArrowType.FixedSizeList(3), leaf("item", INT32)), f.toArrowField("x"));
  }

  @Test
  void parse_legacySequenceWithMinusOneLength_readsVariableLength() {
    // Older datasets wrote the default length out.
    Feature f =
        feature(
            "{'feature': {'dtype': 'int32', '_type': 'Value'}, 'length': -1, '_type': 'Sequence'}");

    assertEquals(-1, f.length());
    assertEquals(ArrowType.List.INSTANCE, f.toArrowField("x").getType());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-2", "'4'", "1.5"})
  void parse_badListLength_throwsWithRuleAndValue(String length) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                feature(
                    "{'feature': {'dtype': 'int32', '_type': 'Value'}, 'length': "
                        + length
                        + ", '_type': 'List'}"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "List \"length\" must be -1 (variable) or a size >= 0, got " + json(length)),
        e.getMessage());
  }

  @Test
  void parse_legacySequenceOfDict_readsAsStructOfLists() {
    Feature f =
        feature(
            "{'feature': {'a': {'dtype': 'int32', '_type': 'Value'},"
                + " 'b': {'dtype': 'string', '_type': 'Value'}}, '_type': 'Sequence'}");

    assertEquals(Kind.STRUCT, f.kind());
    assertEquals(List.of("a", "b"), new ArrayList<>(f.fields().keySet()));
    assertEquals(Kind.LIST, f.fields().get("a").kind());
    assertEquals("string", f.fields().get("b").element().dtype());
    // datasets 5.0.1: Features.from_dict(...).arrow_schema gives struct<a: list<item: int32>, b:
    // list<item: string>>
    assertEquals(
        node(
            "x",
            ArrowType.Struct.INSTANCE,
            node("a", ArrowType.List.INSTANCE, leaf("item", INT32)),
            node("b", ArrowType.List.INSTANCE, leaf("item", UTF8))),
        f.toArrowField("x"));
    // The sub-features are written as datasets rewrites them, the whole as it was read.
    assertEquals(
        json("{'feature': {'dtype': 'int32', '_type': 'Value'}, '_type': 'List'}"),
        f.fields().get("a").toJson());
    assertEquals(
        json(
            "{'feature': {'a': {'dtype': 'int32', '_type': 'Value'},"
                + " 'b': {'dtype': 'string', '_type': 'Value'}}, '_type': 'Sequence'}"),
        f.toJson());
  }

  @Test
  void parse_legacySequenceOfDictWithLength_givesEveryFieldThatLength() {
    Feature f =
        feature(
            "{'feature': {'a': {'dtype': 'int32', '_type': 'Value'}}, 'length': 2,"
                + " '_type': 'Sequence'}");

    assertEquals(2, f.fields().get("a").length());
    assertEquals(
        json("{'feature': {'dtype': 'int32', '_type': 'Value'}, 'length': 2, '_type': 'List'}"),
        f.fields().get("a").toJson());
    // datasets 5.0.1 gives struct<a: fixed_size_list<item: int32>[2]>
    assertEquals(
        node(
            "x",
            ArrowType.Struct.INSTANCE,
            node("a", new ArrowType.FixedSizeList(2), leaf("item", INT32))),
        f.toArrowField("x"));
  }

  @Test
  void parse_listOfDict_readsAsListOfStruct() {
    Feature f =
        feature("{'feature': {'a': {'dtype': 'int32', '_type': 'Value'}}, '_type': 'List'}");

    assertEquals(Kind.LIST, f.kind());
    assertEquals(Kind.STRUCT, f.element().kind());
    // datasets 5.0.1 gives list<item: struct<a: int32>>
    assertEquals(
        node(
            "x",
            ArrowType.List.INSTANCE,
            node("item", ArrowType.Struct.INSTANCE, leaf("a", INT32))),
        f.toArrowField("x"));
  }

  @Test
  void parse_bareArray_readsAsList() {
    Feature f = feature("[{'dtype': 'int32', '_type': 'Value'}]");

    assertEquals(Kind.LIST, f.kind());
    assertEquals(-1, f.length());
    assertEquals("int32", f.element().dtype());
    assertEquals(node("x", ArrowType.List.INSTANCE, leaf("item", INT32)), f.toArrowField("x"));
    assertEquals(json("[{'dtype': 'int32', '_type': 'Value'}]"), f.toJson());
  }

  @Test
  void parse_bareArrayOfTwo_throwsWithCount() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                feature(
                    "[{'dtype': 'int32', '_type': 'Value'}, {'dtype': 'int32', '_type':"
                        + " 'Value'}]"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "a list feature written as a JSON array must hold exactly one item"
                    + " feature, got 2: "),
        e.getMessage());
  }

  @Test
  void parse_listWithoutFeature_throwsNamingTheKey() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> feature("{'_type': 'List'}"));
    assertEquals(
        "List \"feature\" must be the item feature, got nothing in {\"_type\":\"List\"}",
        e.getMessage());
  }

  @Test
  void parse_struct_keepsFieldOrder() throws IOException {
    Feature meta = FeatureReader.parseAll(fixtureFeatures("save_single")).get("meta");

    assertEquals(Kind.STRUCT, meta.kind());
    assertEquals(List.of("source", "weight", "tags"), new ArrayList<>(meta.fields().keySet()));
    assertEquals("float64", meta.fields().get("weight").dtype());
    assertEquals(Kind.LIST, meta.fields().get("tags").kind());
  }

  @Test
  void parse_structWithFieldNamedType_readsAsStruct() {
    // datasets treats a dict whose "_type" is itself a feature as a struct with a column named
    // _type.
    Feature f =
        feature(
            "{'_type': {'dtype': 'string', '_type': 'Value'}, 'x': {'dtype': 'int32', '_type':"
                + " 'Value'}}");

    assertEquals(Kind.STRUCT, f.kind());
    assertEquals(List.of("_type", "x"), new ArrayList<>(f.fields().keySet()));
    assertEquals(
        node("s", ArrowType.Struct.INSTANCE, leaf("_type", UTF8), leaf("x", INT32)),
        f.toArrowField("s"));
  }

  @Test
  void parse_array2D_readsShapeAndDtype() throws IOException {
    Feature grid = FeatureReader.parseAll(fixtureFeatures("save_extension")).get("grid");

    assertEquals(Kind.ARRAY, grid.kind());
    assertEquals("float32", grid.dtype());
    assertArrayEquals(new int[] {2, 3}, grid.shape());
  }

  @Test
  void shape_mutatingTheCopy_leavesFeatureUnchanged() throws IOException {
    Feature grid = FeatureReader.parseAll(fixtureFeatures("save_extension")).get("grid");

    grid.shape()[0] = 99;

    assertArrayEquals(new int[] {2, 3}, grid.shape());
  }

  @Test
  void parse_array3DWithVariableFirstDim_readsMinusOneAndWritesNullInMetadata() {
    Feature f = feature("{'shape': [null, 2, 3], 'dtype': 'int64', '_type': 'Array3D'}");

    assertArrayEquals(new int[] {-1, 2, 3}, f.shape());
    // pyarrow writes the field of datasets' Array3D(shape=(None, 2, 3), dtype='int64') like this.
    Field expected =
        new Field(
            "x",
            new FieldType(
                true,
                ArrowType.List.INSTANCE,
                null,
                Map.of(
                    "ARROW:extension:name", "datasets.features.features.Array3DExtensionType",
                    "ARROW:extension:metadata", "[[null, 2, 3], \"int64\"]")),
            List.of(
                node(
                    "item",
                    ArrowType.List.INSTANCE,
                    node("item", ArrowType.List.INSTANCE, leaf("item", INT64)))));
    assertEquals(expected, f.toArrowField("x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[2, 3, 4]", "[2, null]", "[2, -1]", "'2x3'"})
  void parse_array2DWithBadShape_throwsWithRuleAndValue(String shape) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> feature("{'shape': " + shape + ", 'dtype': 'int64', '_type': 'Array2D'}"));
    assertTrue(
        e.getMessage()
            .startsWith(
                "Array2D \"shape\" must be an array of 2 sizes >= 0 (the first may be"
                    + " null), got "
                    + json(shape)),
        e.getMessage());
  }

  @Test
  void parse_image_readsKindAndKeepsOptions() throws IOException {
    Feature image = FeatureReader.parseAll(fixtureFeatures("save_extension")).get("image");
    Feature withMode = feature("{'mode': 'RGB', 'decode': false, '_type': 'Image'}");

    assertEquals(Kind.IMAGE, image.kind());
    assertEquals(Kind.IMAGE, withMode.kind());
    assertEquals(json("{'mode': 'RGB', 'decode': false, '_type': 'Image'}"), withMode.toJson());
  }

  @Test
  void parse_audio_isStoredAsBytesAndPath() {
    Feature audio = feature("{'sampling_rate': 16000, '_type': 'Audio'}");

    assertEquals(Kind.AUDIO, audio.kind());
    assertEquals(
        node(
            "a",
            ArrowType.Struct.INSTANCE,
            leaf("bytes", ArrowType.Binary.INSTANCE),
            leaf("path", UTF8)),
        audio.toArrowField("a"));
  }

  @Test
  void parse_translation_readsLanguages() throws IOException {
    Feature pair = FeatureReader.parseAll(fixtureFeatures("save_translation")).get("pair");

    assertEquals(Kind.TRANSLATION, pair.kind());
    assertEquals(List.of("en", "ko"), pair.languages());
  }

  @Test
  void toArrowField_translationOutOfOrder_sortsLanguagesLikeDatasets() {
    Feature f = feature("{'languages': ['ko', 'en'], '_type': 'Translation'}");

    assertEquals(List.of("ko", "en"), f.languages());
    // datasets 5.0.1 gives struct<en: string, ko: string> for Translation(languages=['ko', 'en'])
    assertEquals(
        node("t", ArrowType.Struct.INSTANCE, leaf("en", UTF8), leaf("ko", UTF8)),
        f.toArrowField("t"));
  }

  @Test
  void parse_translationVariableLanguages_readsLanguagesWhenPresent() {
    Feature with =
        feature(
            "{'languages': ['de', 'en', 'fr'], 'num_languages': 3,"
                + " '_type': 'TranslationVariableLanguages'}");
    Feature without = feature("{'_type': 'TranslationVariableLanguages'}");
    Feature nullLanguages = feature("{'languages': null, '_type': 'TranslationVariableLanguages'}");

    assertEquals(Kind.TRANSLATION_VARIABLE_LANGUAGES, with.kind());
    assertEquals(List.of("de", "en", "fr"), with.languages());
    assertEquals(List.of(), without.languages());
    assertEquals(List.of(), nullLanguages.languages());
    // datasets 5.0.1 gives struct<language: list<item: string>, translation: list<item: string>>
    // either way
    Field expected =
        node(
            "t",
            ArrowType.Struct.INSTANCE,
            node("language", ArrowType.List.INSTANCE, leaf("item", UTF8)),
            node("translation", ArrowType.List.INSTANCE, leaf("item", UTF8)));
    assertEquals(expected, with.toArrowField("t"));
    assertEquals(expected, without.toArrowField("t"));
  }

  @Test
  void parse_unknownType_isOtherAndKeepsJson() {
    Feature f = feature("{'some_option': [1, 2], '_type': 'Hologram'}");

    assertEquals(Kind.OTHER, f.kind());
    assertEquals(json("{'some_option': [1, 2], '_type': 'Hologram'}"), f.toJson());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.toArrowField("h"));
    assertTrue(
        e.getMessage().startsWith("field 'h': feature _type 'Hologram' has no known Arrow type"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"Video", "Pdf", "Nifti", "Mesh"})
  void toArrowField_newerMediaTypes_areOtherStoredAsBytesAndPath(String type) {
    Feature f = feature("{'_type': '" + type + "'}");

    assertEquals(Kind.OTHER, f.kind());
    // datasets 5.0.1 gives struct<bytes: binary, path: string> for each of these.
    assertEquals(
        node(
            "m",
            ArrowType.Struct.INSTANCE,
            leaf("bytes", ArrowType.Binary.INSTANCE),
            leaf("path", UTF8)),
        f.toArrowField("m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"3", "'x'", "{'_type': 3}"})
  void parse_notAFeature_throwsWithTheNode(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> feature(text));
    assertEquals(
        "a feature must be a JSON object with a string _type, a dict of features or a one-item"
            + " array, got "
            + json(text),
        e.getMessage());
  }

  // ---- JSON round trip and immutability ----

  @ParameterizedTest
  @ValueSource(strings = {"save_single", "save_extension", "save_translation", "save_dict_train"})
  void toJson_fixtures_roundTripUnchanged(String fixture) throws IOException {
    JsonNode original = fixtureFeatures(fixture);
    ObjectNode rewritten = JSON.createObjectNode();

    FeatureReader.parseAll(original).forEach((name, f) -> rewritten.set(name, f.toJson()));

    assertEquals(original, rewritten);
    assertEquals(original.toString(), rewritten.toString());
  }

  @Test
  void parse_callerMutatesInputAfterwards_featureUnchanged() {
    ObjectNode node = (ObjectNode) json("{'dtype': 'int64', '_type': 'Value'}");
    Feature f = FeatureReader.parse(node);

    node.put("dtype", "string");
    ((ObjectNode) f.toJson()).put("dtype", "bool");

    assertEquals(json("{'dtype': 'int64', '_type': 'Value'}"), f.toJson());
    assertEquals("{\"dtype\":\"int64\",\"_type\":\"Value\"}", f.toString());
  }

  // ---- schema metadata ----

  @ParameterizedTest
  @ValueSource(strings = {"save_single", "save_extension", "save_translation", "save_dict_train"})
  void fromSchemaMetadata_fixture_equalsDatasetInfoFeatures(String fixture) throws IOException {
    Map<String, String> metadata = fixtureSchema(fixture).getCustomMetadata();

    assertEquals(fixtureFeatures(fixture), FeatureReader.fromSchemaMetadata(metadata).orElseThrow());
  }

  @Test
  void fromSchemaMetadata_noHuggingfaceKeyOrNoFeatures_isEmpty() {
    assertTrue(FeatureReader.fromSchemaMetadata(Map.of()).isEmpty());
    assertTrue(FeatureReader.fromSchemaMetadata(Map.of("huggingface", "{\"info\": {}}")).isEmpty());
  }

  @Test
  void fromSchemaMetadata_malformedJson_throwsWithReason() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureReader.fromSchemaMetadata(Map.of("huggingface", "{\"info\": ")));
    assertTrue(
        e.getMessage().startsWith("schema metadata 'huggingface' must be JSON: "), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"info\":{\"features\":[1]}}", "[1]", "3", ""})
  void fromSchemaMetadata_notTheDatasetsShape_throwsWithValue(String value) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FeatureReader.fromSchemaMetadata(Map.of("huggingface", value)));
    assertEquals(
        "schema metadata 'huggingface' must be a JSON object whose info.features, if present, is an"
            + " object, got "
            + value,
        e.getMessage());
  }

  // ---- Arrow mapping ----

  @ParameterizedTest
  @ValueSource(strings = {"save_single", "save_extension", "save_translation", "save_dict_train"})
  void toArrowSchema_fixture_equalsSchemaOfRealArrowFile(String fixture) throws IOException {
    Schema expected = fixtureSchema(fixture);

    Schema actual = Feature.toArrowSchema(FeatureReader.parseAll(fixtureFeatures(fixture)));

    assertEquals(expected.getFields(), actual.getFields());
  }

  @Test
  void toArrowSchema_saveExtension_carriesArray2DExtensionMetadataAsWritten() throws IOException {
    Field grid =
        Feature.toArrowSchema(FeatureReader.parseAll(fixtureFeatures("save_extension")))
            .findField("grid");

    assertEquals(
        Map.of(
            "ARROW:extension:name",
            "datasets.features.features.Array2DExtensionType",
            "ARROW:extension:metadata",
            "[[2, 3], \"float32\"]"),
        grid.getMetadata());
    assertEquals(ArrowType.List.INSTANCE, grid.getType());
  }

  static List<Arguments> dtypes() {
    // Each expected type is what pyarrow 25 printed for datasets 5.0.1's Value(dtype).
    return List.of(
        Arguments.of("null", ArrowType.Null.INSTANCE),
        Arguments.of("bool", ArrowType.Bool.INSTANCE),
        Arguments.of("int8", new ArrowType.Int(8, true)),
        Arguments.of("int16", new ArrowType.Int(16, true)),
        Arguments.of("int32", INT32),
        Arguments.of("int64", INT64),
        Arguments.of("uint8", new ArrowType.Int(8, false)),
        Arguments.of("uint16", new ArrowType.Int(16, false)),
        Arguments.of("uint32", new ArrowType.Int(32, false)),
        Arguments.of("uint64", new ArrowType.Int(64, false)),
        Arguments.of("float16", new ArrowType.FloatingPoint(FloatingPointPrecision.HALF)),
        Arguments.of("float32", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        Arguments.of("float64", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        Arguments.of("float", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
        Arguments.of("double", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
        Arguments.of("string", UTF8),
        Arguments.of("large_string", ArrowType.LargeUtf8.INSTANCE),
        Arguments.of("binary", ArrowType.Binary.INSTANCE),
        Arguments.of("large_binary", ArrowType.LargeBinary.INSTANCE),
        Arguments.of("date32", new ArrowType.Date(DateUnit.DAY)),
        Arguments.of("date64", new ArrowType.Date(DateUnit.MILLISECOND)),
        Arguments.of("timestamp[s]", new ArrowType.Timestamp(TimeUnit.SECOND, null)),
        Arguments.of("timestamp[ns]", new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)),
        Arguments.of(
            "timestamp[us, tz=America/New_York]",
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, "America/New_York")),
        Arguments.of(
            "timestamp[ms,tz=+01:00]", new ArrowType.Timestamp(TimeUnit.MILLISECOND, "+01:00")),
        Arguments.of("time32[s]", new ArrowType.Time(TimeUnit.SECOND, 32)),
        Arguments.of("time32[ms]", new ArrowType.Time(TimeUnit.MILLISECOND, 32)),
        Arguments.of("time64[us]", new ArrowType.Time(TimeUnit.MICROSECOND, 64)),
        Arguments.of("time64[ns]", new ArrowType.Time(TimeUnit.NANOSECOND, 64)),
        Arguments.of("duration[s]", new ArrowType.Duration(TimeUnit.SECOND)),
        Arguments.of("duration[ns]", new ArrowType.Duration(TimeUnit.NANOSECOND)),
        Arguments.of("decimal128(10, 2)", new ArrowType.Decimal(10, 2, 128)),
        Arguments.of("decimal128(4, -2)", new ArrowType.Decimal(4, -2, 128)),
        Arguments.of("decimal256(40, 5)", new ArrowType.Decimal(40, 5, 256)));
  }

  @ParameterizedTest
  @MethodSource("dtypes")
  void toArrowField_valueDtype_matchesPyarrow(String dtype, ArrowType expected) {
    Feature f = feature("{'dtype': '" + dtype + "', '_type': 'Value'}");

    assertEquals(leaf("v", expected), f.toArrowField("v"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "complex64",
        "time32[us]",
        "timestamp[ms, tz=Europe Paris]",
        "decimal128(10)",
        "int"
      })
  void toArrowField_unsupportedDtype_throwsNamingIt(String dtype) {
    // datasets refuses each of these too.
    Feature f = feature("{'dtype': '" + dtype + "', '_type': 'Value'}");

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.toArrowField("v"));
    assertTrue(
        e.getMessage().startsWith("unsupported dtype '" + dtype + "': supported are null, bool,"),
        e.getMessage());
  }

  @Test
  void toArrowField_classLabel_isInt64() {
    Feature f = feature("{'names': ['a', 'b'], '_type': 'ClassLabel'}");

    assertEquals(leaf("c", INT64), f.toArrowField("c"));
  }
}
