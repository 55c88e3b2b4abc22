package dev.lazyarrow.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Writes values as the exact text of Python's {@code json.dumps(value, ensure_ascii=False)}.
 *
 * <p>The {@code dump} command must reproduce the golden rows written by Python byte for byte, so
 * every rule here mirrors CPython's {@code json} encoder and {@code float.__repr__}, not JSON in
 * general: separators are {@code ", "} and {@code ": "}, non-ASCII text is written raw, and
 * non-finite doubles are written as {@code NaN}, {@code Infinity} and {@code -Infinity}.
 */
final class PythonJson {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PythonJson() {}

  /**
   * Appends one row line, {@code {"index": i, "row": {"name": value, ...}}}, without a newline.
   *
   * @param names column names, in output order
   * @param fields the column fields aligned with {@code names}; the list or any entry may be null
   * @param values the materialized column values aligned with {@code names}
   */
  static void appendRowLine(
      StringBuilder out, long index, List<String> names, List<Field> fields, Object[] values) {
    out.append("{\"index\": ").append(index).append(", \"row\": {");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      appendString(out, names.get(i));
      out.append(": ");
      appendValue(out, values[i], fields == null ? null : fields.get(i));
    }
    out.append("}}");
  }

  /**
   * Appends one materialized column value.
   *
   * @param field the value's Arrow field, used to find unsigned 64-bit integers and the fields of
   *     list elements and struct members; may be null
   * @throws IllegalArgumentException if the value, or a value nested in it, has a class that has no
   *     JSON encoding
   */
  static void appendValue(StringBuilder out, Object value, Field field) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof Long l) {
      // The reader keeps uint64 as raw bits in a long; only the field can tell it apart.
      out.append(isUnsigned64(field) ? Long.toUnsignedString(l) : Long.toString(l));
    } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      out.append(value);
    } else if (value instanceof Double d) {
      appendDouble(out, d);
    } else if (value instanceof Float f) {
      // Python widens float32 exactly and prints the double, e.g. 0.1f as 0.10000000149011612.
      appendDouble(out, f.doubleValue());
    } else if (value instanceof BigDecimal decimal) {
      out.append(decimal.toPlainString());
    } else if (value instanceof String s) {
      appendString(out, s);
    } else if (value instanceof byte[] bytes) {
      appendString(out, "base64:" + Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof List<?> list) {
      Field element =
          field != null && field.getChildren().size() == 1 ? field.getChildren().get(0) : null;
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        appendValue(out, list.get(i), element);
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> struct) {
      out.append('{');
      String separator = "";
      for (Map.Entry<?, ?> member : struct.entrySet()) {
        out.append(separator);
        separator = ", ";
        String name = String.valueOf(member.getKey());
        appendString(out, name);
        out.append(": ");
        appendValue(out, member.getValue(), childNamed(field, name));
      }
      out.append('}');
    } else {
      throw new IllegalArgumentException(
          "No JSON encoding for a value of class " + value.getClass().getName());
    }
  }

  /**
   * Appends a quoted JSON string escaped as Python does with {@code ensure_ascii=False}.
   *
   * <p>Only the quote, the backslash and C0 control characters are escaped; DEL, U+2028, U+2029 and
   * all other non-ASCII characters, lone surrogates included, are written as they are.
   */
  static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Appends a double as Python's {@code repr(float)}: the shortest digits that read back as the
   * same double, in fixed notation when the decimal exponent is in [-4, 16) and in Python's
   * scientific notation ({@code 1e+16}, {@code 1.5e-07}) otherwise.
   */
  static void appendDouble(StringBuilder out, double d) {
    if (!Double.isFinite(d)) {
      out.append(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      return;
    }
    // The sign bit, not a comparison, so that -0.0 keeps its minus sign as in Python.
    if (Double.doubleToRawLongBits(d) < 0) {
      out.append('-');
    }
    double magnitude = Math.abs(d);
    String digits;
    int exponent;
    if (magnitude < 0x1p53 && magnitude == Math.rint(magnitude)) {
      // Integers below 2^53 are spaced at most 1 apart, so no shorter decimal reads back as them.
      String whole = Long.toString((long) magnitude);
      exponent = whole.length() - 1;
      int end = whole.length();
      while (end > 1 && whole.charAt(end - 1) == '0') {
        end--;
      }
      digits = whole.substring(0, end);
    } else {
      BigDecimal shortest = shortestRoundTrip(magnitude).stripTrailingZeros();
      digits = shortest.unscaledValue().toString();
      exponent = digits.length() - 1 - shortest.scale();
    }
    appendDigits(out, digits, exponent);
  }

  /**
   * Returns the decimal with the fewest significant digits that reads back as {@code magnitude},
   * the nearest such decimal when several have that many digits.
   *
   * <p>Java 17's {@link Double#toString(double)} sometimes gives more digits than needed
   * (2.82879384806159008E17 for 2.82879384806159e+17), so the digits are searched for here.
   */
  private static BigDecimal shortestRoundTrip(double magnitude) {
    BigDecimal exact = new BigDecimal(magnitude);
    // A decimal of up to 15 digits is also one of 15 digits, so when no 15-digit decimal reads
    // back, which is the usual case, the shorter lengths need no search.
    int precision = roundTripOfLength(exact, 15, magnitude) == null ? 16 : 1;
    for (; ; precision++) {
      BigDecimal found = roundTripOfLength(exact, precision, magnitude);
      if (found != null) {
        return found;
      }
    }
  }

  /**
   * Returns the decimal of {@code precision} significant digits nearest to {@code exact} that reads
   * back as {@code magnitude}, or null if none does.
   *
   * <p>When the nearest one misses, the neighbour on the other side can still hit, because the
   * interval that reads back as a power of two is twice as wide above it as below it.
   */
  private static BigDecimal roundTripOfLength(BigDecimal exact, int precision, double magnitude) {
    for (RoundingMode mode :
        new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.DOWN, RoundingMode.UP}) {
      BigDecimal candidate = exact.round(new MathContext(precision, mode));
      if (candidate.doubleValue() == magnitude) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Appends the number {@code d1.d2d3... * 10^exponent} laid out as CPython's {@code
   * PyOS_double_to_string} lays out the {@code 'r'} format.
   */
  private static void appendDigits(StringBuilder out, String digits, int exponent) {
    int count = digits.length();
    if (exponent < -4 || exponent >= 16) {
      out.append(digits.charAt(0));
      if (count > 1) {
        out.append('.').append(digits, 1, count);
      }
      out.append('e').append(exponent < 0 ? '-' : '+');
      int absolute = Math.abs(exponent);
      if (absolute < 10) {
        out.append('0');
      }
      out.append(absolute);
    } else if (exponent < 0) {
      out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
    } else if (exponent + 1 < count) {
      out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, count);
    } else {
      out.append(digits).append("0".repeat(exponent + 1 - count)).append(".0");
    }
  }

  private static boolean isUnsigned64(Field field) {
    return field != null
        && field.getType() instanceof ArrowType.Int type
        && !type.getIsSigned()
        && type.getBitWidth() == 64;
  }

  private static Field childNamed(Field struct, String name) {
    if (struct == null) {
      return null;
    }
    for (Field child : struct.getChildren()) {
      if (child.getName().equals(name)) {
        return child;
      }
    }
    return null;
  }
}
