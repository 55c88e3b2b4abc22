package dev.lazyarrow.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/**
 * Spark's own Arrow type mapping ({@code ArrowUtils}, what {@code toArrow} and pandas UDFs use),
 * applied column by column so that a type without an equivalent is reported with its column.
 */
final class SparkArrow {
  private SparkArrow() {}

  /**
   * Returns the Arrow schema Spark's Arrow conversion gives {@code schema}, with {@code metadata}.
   *
   * @throws IllegalArgumentException naming the first column whose type has no Arrow equivalent
   */
  static Schema toArrow(StructType schema, String timeZone, Map<String, String> metadata) {
    List<Field> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      try {
        fields.add(ArrowUtils.toArrowField(f.name(), f.dataType(), f.nullable(), timeZone, false));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "column '"
                + f.name()
                + "' of type "
                + f.dataType().sql()
                + " has no Arrow equivalent in Spark's Arrow conversion; cast or drop it ("
                + e.getMessage()
                + ")",
            e);
      }
    }
    return new Schema(fields, metadata);
  }

  /**
   * Returns the Spark schema of {@code schema}, as Spark's Arrow conversion reads it.
   *
   * @throws IllegalArgumentException naming the first column Spark cannot read from its vectors
   */
  static StructType fromArrow(Schema schema, String dataset) {
    List<StructField> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      if (hasDictionary(f)) {
        throw new IllegalArgumentException(
            dataset
                + ": column '"
                + f.getName()
                + "' is dictionary-encoded, which Spark's Arrow vectors cannot read; convert the"
                + " dataset without dictionaries");
      }
      DataType type;
      try {
        type = ArrowUtils.fromArrowField(f);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            dataset
                + ": column '"
                + f.getName()
                + "' of Arrow type "
                + f.getType()
                + " has no Spark equivalent in Spark's Arrow conversion ("
                + e.getMessage()
                + ")",
            e);
      }
      fields.add(new StructField(f.getName(), type, f.isNullable(), Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static boolean hasDictionary(Field f) {
    return f.getDictionary() != null
        || f.getChildren().stream().anyMatch(SparkArrow::hasDictionary);
  }
}
