package dev.lazyarrow.djl;

import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * How one column's values become NDArrays, chosen from its Arrow type and HuggingFace feature.
 *
 * <table>
 *   <caption>Conversions</caption>
 *   <tr><th>column</th><th>arrays of a row</th><th>arrays of a batch</th></tr>
 *   <tr><td>list of int8..int32 (token ids)</td><td>int64 ids (n) and int64 mask of ones (n)</td>
 *       <td>int64 ids (B, L) padded to the batch's longest row, int64 mask (B, L)</td></tr>
 *   <tr><td>list of ClassLabel</td><td>float32 multi-hot (C)</td><td>(B, C)</td></tr>
 *   <tr><td>ClassLabel, int8..int64, uint8..uint32</td><td>int64 scalar</td><td>(B)</td></tr>
 *   <tr><td>float16, float32</td><td>float32 scalar</td><td>(B)</td></tr>
 *   <tr><td>float64</td><td>float64 scalar</td><td>(B)</td></tr>
 *   <tr><td>fixed-size list of numbers, or Array2D..5D as nested lists (TENSOR)</td>
 *       <td>its dtype (int16 as int32) and shape</td><td>(B, shape...)</td></tr>
 * </table>
 */
enum Conversion {
  TOKENS,
  MULTI_HOT,
  INT64,
  FLOAT32,
  FLOAT64,
  TENSOR;

  /**
   * Returns the conversion of {@code column} of {@code split}.
   *
   * @throws IllegalArgumentException if there is no such column or it has no NDArray form
   */
  static Conversion of(Split split, String column) {
    if (!split.columnNames().contains(column)) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns are " + split.columnNames());
    }
    Field field = split.schema().findField(column);
    Feature feature = split.features().get(column);
    ArrowType type = storage(field.getType());
    if (feature != null && feature.kind() == Feature.Kind.ARRAY) {
      return TENSOR;
    }
    if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
      Feature element = feature == null ? null : feature.element();
      ArrowType item = storage(field.getChildren().get(0).getType());
      if (element != null && element.kind() == Feature.Kind.CLASS_LABEL) {
        return MULTI_HOT;
      } else if (item instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() <= 32) {
        return TOKENS;
      }
    } else if (type instanceof ArrowType.FixedSizeList) {
      return TENSOR;
    } else if (type instanceof ArrowType.Int i && (i.getIsSigned() || i.getBitWidth() <= 32)) {
      return INT64;
    } else if (type instanceof ArrowType.FloatingPoint f) {
      return f.getPrecision() == FloatingPointPrecision.DOUBLE ? FLOAT64 : FLOAT32;
    }
    throw new IllegalArgumentException(
        "column '"
            + column
            + "' is "
            + field.getType()
            + (feature == null ? "" : " (" + feature + ")")
            + ": LazyArrowDataset converts token lists (int8..int32 items), ClassLabel and lists of"
            + " it, integers that fit int64, floats, fixed-size lists and Array2D..5D");
  }

  private static ArrowType storage(ArrowType type) {
    return type instanceof ArrowType.ExtensionType ext ? ext.storageType() : type;
  }
}
