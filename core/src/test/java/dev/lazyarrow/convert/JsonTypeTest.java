package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.testing.Fixtures;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;

/**
 * Type inference of JSON Lines, each expectation what {@code load_dataset("json", ...)} returned
 * for the same lines (datasets 5.0.1, pyarrow 25.0.1).
 */
class JsonTypeTest {
  private static String infer(String... lines) {
    JsonType type = JsonType.row();
    for (int i = 0; i < lines.length; i++) {
      type.merge(Fixtures.json(lines[i]), i + 1);
    }
    return type.columns().stream().map(Field::toString).toList().toString();
  }

  @Test
  void merge_integersThenFloat_isDouble() {
    assertEquals("[a: FloatingPoint(DOUBLE)]", infer("{\"a\": 1}", "{\"a\": 2.5}"));
  }

  @Test
  void merge_nullThenInteger_isInt64() {
    assertEquals("[a: Int(64, true)]", infer("{\"a\": null}", "{\"a\": 3}"));
  }

  @Test
  void merge_onlyNulls_isNull() {
    assertEquals("[a: Null]", infer("{\"a\": null}", "{\"a\": null}"));
  }

  @Test
  void merge_integerBeyondInt64_isDouble() {
    assertEquals("[a: FloatingPoint(DOUBLE)]", infer("{\"a\": 9223372036854775808}"));
  }

  @Test
  void merge_isoDateTimes_areTimestampSeconds() {
    assertEquals(
        "[a: Timestamp(SECOND, null)]",
        infer("{\"a\": \"2020-01-01\"}", "{\"a\": \"2021-02-03T04:05:06+01:00\"}"));
  }

  @Test
  void merge_dateTimeWithFraction_isString() {
    assertEquals("[a: Utf8]", infer("{\"a\": \"2020-01-01T00:00:00.123\"}"));
  }

  @Test
  void merge_timestampThenText_isString() {
    assertEquals("[a: Utf8]", infer("{\"a\": \"2020-01-01 00:00:00\"}", "{\"a\": \"hello\"}"));
  }

  @Test
  void merge_emptyListThenIntegers_isListOfInt64() {
    assertEquals("[a: List<item: Int(64, true)>]", infer("{\"a\": []}", "{\"a\": [1]}"));
  }

  @Test
  void merge_onlyEmptyLists_isListOfNull() {
    assertEquals("[a: List<item: Null>]", infer("{\"a\": []}"));
  }

  @Test
  void merge_missingKeys_addColumnsInOrderOfAppearance() {
    assertEquals("[a: Int(64, true), b: Utf8]", infer("{\"a\": 1}", "{\"b\": \"x\"}"));
  }

  @Test
  void merge_nestedObjectsWithSameKeys_isStruct() {
    assertEquals("[s: Struct<x: Int(64, true)>]", infer("{\"s\": null}", "{\"s\": {\"x\": 1}}"));
  }

  @Test
  void merge_nestedObjectsWithOtherKeys_isRefusedAsDatasetsJson() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> infer("{\"s\": {\"x\": 1}}", "{\"s\": {\"z\": \"q\"}}"));
    assertTrue(
        e.getMessage().startsWith("line 2: the objects of column 's' have keys [z]"),
        e.getMessage());
  }

  @Test
  void merge_boolThenNumber_isRefusedNamingLineAndColumn() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> infer("{\"a\": true}", "{\"a\": 1}"));
    assertTrue(
        e.getMessage().startsWith("line 2: column 'a' changed from bool to number"),
        e.getMessage());
  }

  @Test
  void epochSeconds_formsPyarrowAccepts() {
    assertEquals(1577872800L, JsonType.epochSeconds("2020-01-01T10Z"));
    assertEquals(1577869200L, JsonType.epochSeconds("2020-01-01 10:00:00+0100"));
    assertEquals(1577892600L, JsonType.epochSeconds("2020-01-01T10:00:00-05:30"));
    assertEquals(1582934400L, JsonType.epochSeconds("2020-02-29"));
    assertEquals(-1L, JsonType.epochSeconds("1969-12-31T23:59:59"));
  }

  @Test
  void epochSeconds_formsPyarrowRefuses_areNull() {
    for (String text :
        List.of(
            "2020-1-1",
            "2020-13-01",
            "2019-02-29",
            " 2020-01-01",
            "2020-01-01T24:00:00",
            "2020-01-01t10",
            "2020-01-01T1000",
            "2020-01-01T10:00:00z",
            "2020-01-01T10:00:00+1",
            "20200101")) {
      assertNull(JsonType.epochSeconds(text), text);
    }
  }
}
