package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/**
 * Tests for {@link PythonJson}; every expected string was printed by CPython 3.11's {@code
 * json.dumps(value, ensure_ascii=False)}.
 */
class PythonJsonTest {

  private static final Field U64 = field("u64", new ArrowType.Int(64, false));
  private static final Field I64 = field("i64", new ArrowType.Int(64, true));

  @Test
  void appendString_quoteAndBackslash_areEscaped() {
    assertEquals("\"a\\\"b\\\\c\"", string("a\"b\\c"));
  }

  @Test
  void appendString_namedControlChars_useShortEscapes() {
    assertEquals("\"\\n\\r\\t\\b\\f\"", string("\n\r\t\b\f"));
  }

  @Test
  void appendString_otherControlChars_useLowercaseUnicodeEscapes() {
    assertEquals("\"\\u0000\\u0001\\u001b\\u001f\"", string("\u0000\u0001\u001b\u001f"));
  }

  @Test
  void appendString_nonAsciiDelAndLineSeparators_areWrittenRaw() {
    String text = "\u007f\u2028\u2029 é 감정 ✓ 😀";
    assertEquals('"' + text + '"', string(text));
  }

  @Test
  void appendString_loneSurrogate_isWrittenRaw() {
    assertEquals("\"\ud800x\"", string("\ud800x"));
  }

  @Test
  void appendDouble_java17NonShortestValue_usesShortestDigits() {
    assertEquals("2.82879384806159e+17", dbl(2.82879384806159E17));
  }

  @Test
  void appendDouble_exponentBelowMinusFour_usesScientific() {
    assertEquals("1e-05", dbl(1e-5));
    assertEquals("1.23e-05", dbl(1.23e-5));
    assertEquals("1e-07", dbl(1e-7));
    assertEquals("-1.5e-300", dbl(-1.5e-300));
  }

  @Test
  void appendDouble_exponentMinusFour_usesFixed() {
    assertEquals("0.0001", dbl(1e-4));
    assertEquals("0.00012", dbl(0.00012));
    assertEquals("0.00015000000000000001", dbl(1.0e-4 * 1.5));
  }

  @Test
  void appendDouble_exponentSixteenOrMore_usesScientific() {
    assertEquals("1e+16", dbl(1e16));
    assertEquals("1.5e+16", dbl(1.5e16));
    assertEquals("1.2345678901234568e+17", dbl(123456789012345678.0));
    assertEquals("9.223372036854776e+18", dbl(0x1p63));
    assertEquals("1e+22", dbl(1e22));
    assertEquals("1e+23", dbl(1e23));
    assertEquals("1.5e+300", dbl(1.5e300));
  }

  @Test
  void appendDouble_exponentBelowSixteen_usesFixedWithFraction() {
    assertEquals("1234567890123456.0", dbl(1234567890123456.0));
    assertEquals("9007199254740992.0", dbl(0x1p53));
    assertEquals("100.0", dbl(100.0));
    assertEquals("0.0", dbl(0.0));
    assertEquals("52.75", dbl(52.75));
    assertEquals("4.35", dbl(4.35));
    assertEquals("0.1428571492433548", dbl(0.1428571492433548));
  }

  @Test
  void appendDouble_negativeZero_keepsSign() {
    assertEquals("-0.0", dbl(-0.0));
  }

  @Test
  void appendDouble_subnormals_useShortestDigits() {
    assertEquals("5e-324", dbl(Double.MIN_VALUE));
    assertEquals("1.5e-323", dbl(3 * Double.MIN_VALUE));
    assertEquals("2.225073858507201e-308", dbl(Math.nextDown(Double.MIN_NORMAL)));
  }

  @Test
  void appendDouble_powersOfTwo_useShortestDigitsDespiteNarrowerLowerInterval() {
    assertEquals("2.2250738585072014e-308", dbl(Double.MIN_NORMAL));
    assertEquals("5.684341886080802e-14", dbl(0x1p-44));
    // The nearest 16-digit decimal, 6.290184345309700e-235, lies below, past the narrower half.
    assertEquals("6.290184345309701e-235", dbl(0x1p-778));
  }

  @Test
  void appendDouble_valueNeedingSeventeenDigits_keepsThem() {
    assertEquals("0.30000000000000004", dbl(0.1 + 0.2));
    assertEquals("1.7976931348623157e+308", dbl(Double.MAX_VALUE));
  }

  @Test
  void appendDouble_nonFinite_usesPythonNames() {
    assertEquals("NaN", dbl(Double.NaN));
    assertEquals("Infinity", dbl(Double.POSITIVE_INFINITY));
    assertEquals("-Infinity", dbl(Double.NEGATIVE_INFINITY));
  }

  /**
   * Checks 2,000 doubles from a fixed-seed Python generator: random bit patterns, widened random
   * float32 bits, scaled randoms, subnormals, powers of two, short decimals and large integers.
   */
  @Test
  void appendDouble_pseudoRandomDoubles_matchPythonTable() throws IOException {
    List<String> mismatches = new ArrayList<>();
    int checked = 0;
    try (InputStream in = PythonJsonTest.class.getResourceAsStream("/python_float_repr.txt")) {
      assertNotNull(in, "python_float_repr.txt is not on the test classpath");
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] parts = line.split("\t");
        double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
        String actual = dbl(value);
        if (!actual.equals(parts[1])) {
          mismatches.add(parts[0] + ": expected " + parts[1] + " but was " + actual);
        }
        checked++;
      }
    }
    assertEquals(2000, checked);
    assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " mismatches, e.g. " + mismatches);
  }

  @Test
  void appendValue_null_writesNull() {
    assertEquals("null", value(null, null));
  }

  @Test
  void appendValue_booleans_writeLowercaseLiterals() {
    assertEquals("true", value(true, null));
    assertEquals("false", value(false, null));
  }

  @Test
  void appendValue_signedIntegersOfEveryWidth_writeDecimal() {
    assertEquals("-128", value((byte) -128, null));
    assertEquals("-32768", value((short) -32768, null));
    assertEquals("2000006", value(2000006, null));
    assertEquals("-9223372036854775808", value(Long.MIN_VALUE, I64));
  }

  @Test
  void appendValue_longWithUnsigned64Field_writesUnsigned() {
    assertEquals(
        "11400714819323198485", value(Long.parseUnsignedLong("11400714819323198485"), U64));
    assertEquals("18446744073709551615", value(-1L, U64));
  }

  @Test
  void appendValue_longWithoutUnsigned64Field_writesSigned() {
    assertEquals("-1", value(-1L, null));
    assertEquals("-1", value(-1L, I64));
    assertEquals("-1", value(-1L, field("u32", new ArrowType.Int(32, false))));
  }

  @Test
  void appendValue_float_isWidenedExactly() {
    assertEquals("0.10000000149011612", value(0.1f, null));
    assertEquals("0.1428571492433548", value((float) (1.0 / 7), null));
    assertEquals("3.4028234663852886e+38", value(Float.MAX_VALUE, null));
    assertEquals("1.401298464324817e-45", value(Float.MIN_VALUE, null));
  }

  @Test
  void appendValue_double_usesPythonRepr() {
    assertEquals("0.3333333333333333", value(1.0 / 3, null));
  }

  @Test
  void appendValue_bigDecimal_writesPlainString() {
    assertEquals("1000", value(new BigDecimal("1E+3"), null));
    assertEquals("-0.00012300", value(new BigDecimal("-0.00012300"), null));
  }

  @Test
  void appendValue_string_isEscaped() {
    assertEquals("\"문장 \\\"😀\\\"\\n\"", value("문장 \"😀\"\n", null));
  }

  @Test
  void appendValue_bytes_writeBase64WithPrefix() {
    assertEquals("\"base64:\"", value(new byte[0], null));
    assertEquals("\"base64:AQ==\"", value(new byte[] {1}, null));
    assertEquals(
        "\"base64:AAEC+vv8/f7/\"",
        value(new byte[] {0, 1, 2, (byte) 250, (byte) 251, (byte) 252, (byte) 253, -2, -1}, null));
  }

  @Test
  void appendValue_list_usesCommaSpaceSeparator() {
    assertEquals("[]", value(List.of(), null));
    assertEquals("[0, 1, 2]", value(List.of(0L, 1L, 2L), null));
    assertEquals(
        "[[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]",
        value(List.of(List.of(0.0, 1.0, 2.0), List.of(0.0, 0.0, 0.0)), null));
  }

  @Test
  void appendValue_listWithUnsigned64Child_passesChildFieldToElements() {
    Field list = new Field("ids", FieldType.nullable(ArrowType.List.INSTANCE), List.of(U64));
    assertEquals("[18446744073709551615, null]", value(Arrays.asList(-1L, null), list));
  }

  @Test
  void appendValue_nestedListOfStruct_encodesRecursively() {
    Field b =
        new Field(
            "b",
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(field("item", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    Field a = field("a", U64.getType());
    Field struct = new Field("item", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(a, b));
    Field list = new Field("rows", FieldType.nullable(ArrowType.List.INSTANCE), List.of(struct));
    List<Map<String, Object>> rows =
        List.of(struct(-1L, Arrays.asList(1.5, null)), struct(2L, List.of()));
    assertEquals(
        "[{\"a\": 18446744073709551615, \"b\": [1.5, null]}, {\"a\": 2, \"b\": []}]",
        value(rows, list));
  }

  @Test
  void appendValue_structMemberWithoutMatchingChild_isEncodedWithoutField() {
    Field other = field("other", U64.getType());
    Field struct = new Field("meta", FieldType.nullable(ArrowType.Struct.INSTANCE), List.of(other));
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("a", -1L);
    assertEquals("{\"a\": -1}", value(members, struct));
  }

  @Test
  void appendValue_struct_keepsInsertionOrderAndEscapesKeys() {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("source", "src1");
    members.put("weight", 0.5);
    members.put("tags", List.of("t1"));
    members.put("q\"", null);
    assertEquals(
        "{\"source\": \"src1\", \"weight\": 0.5, \"tags\": [\"t1\"], \"q\\\"\": null}",
        value(members, null));
  }

  @Test
  void appendValue_unsupportedClass_throwsNamingClass() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> value('c', null));
    assertTrue(error.getMessage().contains("java.lang.Character"), error.getMessage());
  }

  @Test
  void appendRowLine_typicalRow_matchesGoldenLayout() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("source", "src1");
    meta.put("weight", 0.5);
    meta.put("tags", List.of("t1"));
    List<String> names = List.of("id", "text", "u64", "f32", "blob", "meta", "maybe");
    List<Field> fields = Arrays.asList(I64, null, U64, null, null, null, null);
    Object[] values = {
      1L,
      "문장 😀 ✓",
      Long.parseUnsignedLong("11400714819323198485"),
      (float) (1.0 / 7),
      new byte[] {1},
      meta,
      null
    };
    StringBuilder out = new StringBuilder();
    PythonJson.appendRowLine(out, 1, names, fields, values);
    assertEquals(
        "{\"index\": 1, \"row\": {\"id\": 1, \"text\": \"문장 😀 ✓\", "
            + "\"u64\": 11400714819323198485, \"f32\": 0.1428571492433548, "
            + "\"blob\": \"base64:AQ==\", \"meta\": {\"source\": \"src1\", \"weight\": 0.5, "
            + "\"tags\": [\"t1\"]}, \"maybe\": null}}",
        out.toString());
  }

  @Test
  void appendRowLine_nullFieldList_encodesWithoutFields() {
    StringBuilder out = new StringBuilder("prefix ");
    PythonJson.appendRowLine(out, 4999, List.of("x"), null, new Object[] {-1L});
    assertEquals("prefix {\"index\": 4999, \"row\": {\"x\": -1}}", out.toString());
  }

  private static Field field(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static Map<String, Object> struct(Object a, Object b) {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put("a", a);
    members.put("b", b);
    return members;
  }

  private static String string(String s) {
    StringBuilder out = new StringBuilder();
    PythonJson.appendString(out, s);
    return out.toString();
  }

  private static String dbl(double d) {
    StringBuilder out = new StringBuilder();
    PythonJson.appendDouble(out, d);
    return out.toString();
  }

  private static String value(Object value, Field field) {
    StringBuilder out = new StringBuilder();
    PythonJson.appendValue(out, value, field);
    return out.toString();
  }
}
