package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class HfFeaturesTest {
  private static Schema arrow(StructType spark) {
    return SparkArrow.toArrow(spark, "UTC", Map.of());
  }

  private static final StructType TEXT_AND_LABELS =
      new StructType()
          .add("text", DataTypes.StringType)
          .add("label", DataTypes.LongType)
          .add("tags", DataTypes.createArrayType(DataTypes.LongType))
          .add("at", DataTypes.TimestampType)
          .add("pos", new StructType().add("x", DataTypes.FloatType));

  @Test
  void of_sparkTypes_deriveWhatDatasetsDerivesFromArrow() {
    assertEquals(
        "{\"text\":{\"dtype\":\"string\",\"_type\":\"Value\"},"
            + "\"label\":{\"dtype\":\"int64\",\"_type\":\"Value\"},"
            + "\"tags\":{\"feature\":{\"dtype\":\"int64\",\"_type\":\"Value\"},\"_type\":\"List\"},"
            + "\"at\":{\"dtype\":\"timestamp[us, tz=UTC]\",\"_type\":\"Value\"},"
            + "\"pos\":{\"x\":{\"dtype\":\"float32\",\"_type\":\"Value\"}}}",
        HfFeatures.of(arrow(TEXT_AND_LABELS), null, Map.of()).toString());
  }

  @Test
  void of_labelNames_makeClassLabelsOfBigintAndArrayColumns() {
    var features =
        HfFeatures.of(
            arrow(TEXT_AND_LABELS),
            null,
            Map.of("label", List.of("neg", "pos"), "tags", List.of("a", "b")));
    assertEquals(
        "{\"names\":[\"neg\",\"pos\"],\"_type\":\"ClassLabel\"}", features.get("label").toString());
    assertEquals(
        "{\"feature\":{\"names\":[\"a\",\"b\"],\"_type\":\"ClassLabel\"},\"_type\":\"List\"}",
        features.get("tags").toString());
  }

  @Test
  void of_labelNamesOnAStringColumn_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HfFeatures.of(arrow(TEXT_AND_LABELS), null, Map.of("text", List.of("a"))));
    assertTrue(e.getMessage().startsWith("label column 'text' must be bigint"), e.getMessage());
  }

  @Test
  void of_mapColumn_hasNoFeatures() {
    StructType schema =
        new StructType()
            .add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType));
    assertNull(HfFeatures.of(arrow(schema), null, Map.of()));
  }

  @Test
  void of_givenFeaturesOfAnotherType_namesTheColumn() {
    String features =
        "{\"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}, \"label\": {\"dtype\":"
            + " \"int32\", \"_type\": \"Value\"}, \"tags\": {\"feature\": {\"dtype\": \"int64\","
            + " \"_type\": \"Value\"}, \"_type\": \"List\"}, \"at\": {\"dtype\": \"timestamp[us,"
            + " tz=UTC]\", \"_type\": \"Value\"}, \"pos\": {\"x\": {\"dtype\": \"float32\","
            + " \"_type\": \"Value\"}}}";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> HfFeatures.of(arrow(TEXT_AND_LABELS), features, Map.of()));
    assertTrue(e.getMessage().startsWith("column 'label': its feature is stored as Int(32, true)"));
    assertEquals(
        "int64",
        HfFeatures.of(arrow(TEXT_AND_LABELS), features.replace("int32", "int64"), Map.of())
            .get("label")
            .get("dtype")
            .asText());
  }
}
