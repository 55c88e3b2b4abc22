package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SparkArrowTest {
  private static final Field ID = Field.nullable("id", new ArrowType.Int(64, true));

  @Test
  void toArrow_typeWithoutArrowEquivalent_namesTheColumn() {
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("obj", new ObjectType(Object.class));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SparkArrow.toArrow(schema, "UTC", Map.of()));
    assertTrue(e.getMessage().startsWith("column 'obj' of type "), e.getMessage());
  }

  @Test
  void fromArrow_timestampInSeconds_namesTheColumn() {
    Schema schema =
        new Schema(
            List.of(ID, Field.nullable("at", new ArrowType.Timestamp(TimeUnit.SECOND, null))));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SparkArrow.fromArrow(schema, "ds"));
    assertTrue(
        e.getMessage().startsWith("ds: column 'at' of Arrow type Timestamp(SECOND, null) has no"),
        e.getMessage());
  }

  @Test
  void fromArrow_dictionaryEncodedColumn_namesTheColumn() {
    Field words =
        new Field(
            "word",
            new FieldType(true, ArrowType.Utf8.INSTANCE, new DictionaryEncoding(0, false, null)),
            null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SparkArrow.fromArrow(new Schema(List.of(ID, words)), "ds"));
    assertTrue(e.getMessage().startsWith("ds: column 'word' is dictionary-encoded"));
  }

  @Test
  void fromArrow_sparkWrittenSchema_givesTheSparkSchemaBack() {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("tags", DataTypes.createArrayType(DataTypes.StringType));
    assertEquals(schema, SparkArrow.fromArrow(SparkArrow.toArrow(schema, "UTC", Map.of()), "ds"));
  }
}
