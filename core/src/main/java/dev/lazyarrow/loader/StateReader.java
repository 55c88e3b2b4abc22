package dev.lazyarrow.loader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The strict reader of a {@link LoaderState}'s JSON: one object whose fields are exactly those of
 * {@link #FIELDS}, each once and of its JSON type (integers as JSON integers in range, booleans as
 * booleans, strings as strings), and nothing after it. Ranges and the rules between fields are the
 * record's own, checked by its constructor.
 *
 * <p>A state is a file's content, so every error is an {@link IllegalArgumentException} naming the
 * field and the rule; {@code LoaderState.fromJson} documents it.
 */
final class StateReader {
  /** JSON's defaults are strict already: no comments, NaN, single quotes or leading zeros. */
  private static final JsonFactory FACTORY = new JsonFactory();

  /** A field of the state: its name and how its value is read. */
  private record Field(String name, Value value) {}

  /** Reads one field's value at the parser's current token. */
  @FunctionalInterface
  private interface Value {
    Object read(JsonParser parser, String field) throws IOException;
  }

  /** The fields in the order {@code toJson} writes them, which is the record's. */
  private static final List<Field> FIELDS =
      List.of(
          new Field("version", StateReader::integer),
          new Field("rows", StateReader::longInteger),
          new Field("seed", StateReader::longInteger),
          new Field("epoch", StateReader::integer),
          new Field("step", StateReader::longInteger),
          new Field("order", StateReader::string),
          new Field("window", StateReader::integer),
          new Field("rank", StateReader::integer),
          new Field("worldSize", StateReader::integer),
          new Field("dropLast", StateReader::bool),
          new Field("batchSize", StateReader::integer),
          new Field("tokenBudget", StateReader::longInteger),
          new Field("lengthColumn", StateReader::optionalString),
          new Field("paddedBudget", StateReader::bool),
          new Field("bucketWindow", StateReader::integer),
          new Field("curriculumColumn", StateReader::optionalString),
          new Field("curriculumEpochs", StateReader::integer),
          new Field("pacing", StateReader::pacing),
          new Field("pacingStart", StateReader::number));

  private static final Map<String, Field> BY_NAME =
      FIELDS.stream().collect(Collectors.toMap(Field::name, f -> f));

  private static final List<String> NAMES = FIELDS.stream().map(Field::name).toList();

  private StateReader() {}

  /** Reads the state {@code json}; see the class comment for the rules. */
  static LoaderState read(String json) {
    Map<String, Object> values = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw bad("a loader state is a JSON object, found " + describe(parser.currentToken()));
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        Field field = BY_NAME.get(name);
        if (field == null) {
          throw bad("unknown field '" + name + "'; a loader state has " + BY_NAME.keySet());
        }
        if (values.containsKey(name)) {
          throw bad("field '" + name + "' is given twice");
        }
        parser.nextToken();
        values.put(name, field.value().read(parser, name));
      }
      if (parser.nextToken() != null) {
        throw bad("text follows the state's closing brace");
      }
    } catch (JsonProcessingException e) {
      throw bad(
          e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + " column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
    Object[] args = new Object[FIELDS.size()];
    for (int i = 0; i < args.length; i++) {
      String name = FIELDS.get(i).name();
      if (!values.containsKey(name)) {
        throw bad("field '" + name + "' is missing; every field of a loader state is required");
      }
      args[i] = values.get(name);
    }
    return new LoaderState(
        (int) args[0],
        (long) args[1],
        (long) args[2],
        (int) args[3],
        (long) args[4],
        (String) args[5],
        (int) args[6],
        (int) args[7],
        (int) args[8],
        (boolean) args[9],
        (int) args[10],
        (long) args[11],
        (String) args[12],
        (boolean) args[13],
        (int) args[14],
        (String) args[15],
        (int) args[16],
        (Pacing) args[17],
        (double) args[18]);
  }

  private static Object integer(JsonParser parser, String field) throws IOException {
    require(parser, JsonToken.VALUE_NUMBER_INT, field, "a JSON integer");
    if (parser.getNumberType() != JsonParser.NumberType.INT) {
      throw bad("field '" + field + "' must be in [" + Integer.MIN_VALUE + ", " + Integer.MAX_VALUE + "], found "
          + parser.getText());
    }
    return parser.getIntValue();
  }

  private static Object longInteger(JsonParser parser, String field) throws IOException {
    require(parser, JsonToken.VALUE_NUMBER_INT, field, "a JSON integer");
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw bad("field '" + field + "' must be in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "], found "
          + parser.getText());
    }
    return parser.getLongValue();
  }

  private static Object number(JsonParser parser, String field) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      require(parser, JsonToken.VALUE_NUMBER_FLOAT, field, "a JSON number");
    }
    return parser.getDoubleValue();
  }

  private static Object bool(JsonParser parser, String field) throws IOException {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
      throw bad("field '" + field + "' must be true or false, found " + describe(token));
    }
    return token == JsonToken.VALUE_TRUE;
  }

  private static Object string(JsonParser parser, String field) throws IOException {
    require(parser, JsonToken.VALUE_STRING, field, "a JSON string");
    return parser.getText();
  }

  private static Object optionalString(JsonParser parser, String field) throws IOException {
    return parser.currentToken() == JsonToken.VALUE_NULL ? null : string(parser, field);
  }

  private static Object pacing(JsonParser parser, String field) throws IOException {
    String name = (String) string(parser, field);
    for (Pacing pacing : Pacing.values()) {
      if (pacing.name().equals(name)) {
        return pacing;
      }
    }
    throw bad("field '" + field + "' must be one of " + List.of(Pacing.values()) + ", found '" + name + "'");
  }

  private static void require(JsonParser parser, JsonToken type, String field, String what) {
    if (parser.currentToken() != type) {
      throw bad("field '" + field + "' must be " + what + ", found " + describe(parser.currentToken()));
    }
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a fraction";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString();
    };
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException("not a loader state: " + message);
  }
}
