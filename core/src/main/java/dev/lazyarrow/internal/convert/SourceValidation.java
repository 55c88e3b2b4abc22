package dev.lazyarrow.internal.convert;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.validate.ValidateUtil;
import org.apache.arrow.vector.validate.ValidateVectorBufferVisitor;

/**
 * Validates a vector read from a source before any of its values is read: O(rows), never O(bytes).
 *
 * <p>Arrow's buffer check ({@link ValidateVectorBufferVisitor}) bounds every buffer by the value
 * count, every child by its parent, and the last offset by the data; the offsets in between are
 * checked here to rise from a non-negative start. Arrow's full validation is not used: its type
 * check refuses float16 and its data check fails on every fixed-size list.
 */
public final class SourceValidation {
  private SourceValidation() {}

  /**
   * Checks {@code vector} and its children.
   *
   * @throws ValidateUtil.ValidateException if a buffer is too short or an offset out of order
   */
  public static void validate(ValueVector vector) {
    vector.accept(new ValidateVectorBufferVisitor(), null);
    offsets(vector);
  }

  private static void offsets(ValueVector vector) {
    int count = vector.getValueCount();
    if (count > 0) {
      if (vector instanceof BaseVariableWidthVector || vector instanceof ListVector) {
        rising(vector, ((FieldVector) vector).getOffsetBuffer(), count, 4);
      } else if (vector instanceof BaseLargeVariableWidthVector
          || vector instanceof LargeListVector) {
        rising(vector, ((FieldVector) vector).getOffsetBuffer(), count, 8);
      }
    }
    if (vector instanceof FieldVector field) {
      for (FieldVector child : field.getChildrenFromFields()) {
        offsets(child);
      }
    }
  }

  private static void rising(ValueVector vector, ArrowBuf offsets, int count, int width) {
    long previous = 0;
    for (int i = 0; i <= count; i++) {
      long offset = width == 4 ? offsets.getInt((long) i * 4) : offsets.getLong((long) i * 8);
      if (offset < previous) {
        throw new ValidateUtil.ValidateException(
            "column '"
                + vector.getName()
                + "': offset "
                + i
                + " is "
                + offset
                + ", below "
                + (i == 0 ? "0" : "offset " + (i - 1) + " (" + previous + ")"));
      }
      previous = offset;
    }
  }
}
