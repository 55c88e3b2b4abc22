package dev.lazyarrow.loader;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strict reader of a {@link LoaderState}'s JSON: one object whose fields are exactly the
 * record's components, each once and of its JSON type (integers as JSON integers in range, booleans
 * as booleans, strings as strings, nested records as objects read by the same rules), and nothing
 * after it. Ranges and the rules between fields are the records' own, checked by their
 * constructors.
 *
 * <p>Each record read has a table of how each of its components is read; the table must name every
 * component, so that a component added to a record without a reader fails the first read (and
 * {@code LoaderStateTest}), and adding one is one table line.
 *
 * <p>A state is a file's content, so every error is an {@link IllegalArgumentException} naming the
 * field and the rule; {@code LoaderState.fromJson} documents it.
 */
final class StateReader {
  /** JSON's defaults are strict already: no comments, NaN, single quotes or leading zeros. */
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Reads one value at the parser's current token; {@code path} names it in errors. */
  @FunctionalInterface
  private interface Value {
    Object read(JsonParser parser, String path) throws IOException;
  }

  private static final Shape SOURCE =
      new Shape(
          MixtureState.Source.class,
          Map.of(
              "split", StateReader::string,
              "rows", StateReader::longInteger,
              "weight", StateReader::number,
              "perEpoch", StateReader::longInteger));

  private static final Shape MIXTURE =
      new Shape(
          MixtureState.class,
          Map.of(
              "mode", StateReader::string,
              "seed", StateReader::longInteger,
              "length", StateReader::string,
              "positions", StateReader::longInteger,
              "sources", list(SOURCE)));

  private static final Shape PACKING =
      new Shape(
          LoaderState.Packing.class,
          Map.of(
              "seqLen", StateReader::integer,
              "tokenColumn", StateReader::string,
              "mode", StateReader::string,
              "window", StateReader::integer,
              "eod", StateReader::longInteger,
              "eodMaskLoss", StateReader::bool));

  private static final Shape STATE =
      new Shape(
          LoaderState.class,
          Map.ofEntries(
              Map.entry("version", StateReader::integer),
              Map.entry("rows", StateReader::longInteger),
              Map.entry("seed", StateReader::longInteger),
              Map.entry("epoch", StateReader::integer),
              Map.entry("step", StateReader::longInteger),
              Map.entry("order", StateReader::string),
              Map.entry("window", StateReader::integer),
              Map.entry("rank", StateReader::integer),
              Map.entry("worldSize", StateReader::integer),
              Map.entry("dropLast", StateReader::bool),
              Map.entry("batchSize", StateReader::integer),
              Map.entry("tokenBudget", StateReader::longInteger),
              Map.entry("lengthColumn", optional(StateReader::string)),
              Map.entry("paddedBudget", StateReader::bool),
              Map.entry("bucketWindow", StateReader::integer),
              Map.entry("curriculumColumn", optional(StateReader::string)),
              Map.entry("curriculumEpochs", StateReader::integer),
              Map.entry("pacing", StateReader::pacing),
              Map.entry("pacingStart", StateReader::number),
              Map.entry("mixture", optional(MIXTURE)),
              Map.entry("packing", optional(PACKING))));

  private StateReader() {}

  /** Reads the state {@code json}; see the class comment for the rules. */
  static LoaderState read(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw bad("a loader state is a JSON object, found " + describe(parser.currentToken()));
      }
      LoaderState state = (LoaderState) STATE.read(parser, "");
      if (parser.nextToken() != null) {
        throw bad("text follows the state's closing brace");
      }
      return state;
    } catch (JsonProcessingException e) {
      throw bad(
          e.getOriginalMessage()
              + " at line "
              + e.getLocation().getLineNr()
              + " column "
              + e.getLocation().getColumnNr());
    } catch (IOException e) {
      throw bad(e.getMessage());
    }
  }

  /** A record read from a JSON object: its components in order and how each value is read. */
  private static final class Shape implements Value {
    private final List<String> names;
    private final Map<String, Value> values;
    private final Constructor<?> make;

    Shape(Class<? extends Record> type, Map<String, Value> values) {
      RecordComponent[] components = type.getRecordComponents();
      this.names = Arrays.stream(components).map(RecordComponent::getName).toList();
      if (!values.keySet().equals(Set.copyOf(names))) {
        throw new IllegalStateException(
            type.getSimpleName()
                + "'s reader must read "
                + names
                + ", it reads "
                + values.keySet());
      }
      this.values = values;
      try {
        this.make =
            type.getDeclaredConstructor(
                Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(type + " has no canonical constructor", e);
      }
    }

    @Override
    public Object read(JsonParser parser, String path) throws IOException {
      if (parser.currentToken() != JsonToken.START_OBJECT) {
        throw bad(
            "field '" + path + "' must be an object, found " + describe(parser.currentToken()));
      }
      String prefix = path.isEmpty() ? "" : path + ".";
      Map<String, Object> read = new HashMap<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        Value value = values.get(name);
        if (value == null) {
          throw bad("unknown field '" + prefix + name + "'; the fields are " + names);
        }
        if (read.containsKey(name)) {
          throw bad("field '" + prefix + name + "' is given twice");
        }
        parser.nextToken();
        read.put(name, value.read(parser, prefix + name));
      }
      Object[] args = new Object[names.size()];
      for (int i = 0; i < args.length; i++) {
        if (!read.containsKey(names.get(i))) {
          throw bad("field '" + prefix + names.get(i) + "' is missing; every field is required");
        }
        args[i] = read.get(names.get(i));
      }
      try {
        return make.newInstance(args);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof IllegalArgumentException rule) {
          throw bad((path.isEmpty() ? "" : path + ": ") + rule.getMessage());
        }
        throw new IllegalStateException("cannot make " + make.getDeclaringClass(), e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot make " + make.getDeclaringClass(), e);
      }
    }
  }

  private static Value optional(Value value) {
    return (parser, path) ->
        parser.currentToken() == JsonToken.VALUE_NULL ? null : value.read(parser, path);
  }

  private static Value list(Value element) {
    return (parser, path) -> {
      require(parser, JsonToken.START_ARRAY, path, "an array");
      List<Object> out = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        out.add(element.read(parser, path + "[" + out.size() + "]"));
      }
      return out;
    };
  }

  private static Object integer(JsonParser parser, String path) throws IOException {
    require(parser, JsonToken.VALUE_NUMBER_INT, path, "a JSON integer");
    if (parser.getNumberType() != JsonParser.NumberType.INT) {
      throw outOfRange(path, Integer.MIN_VALUE, Integer.MAX_VALUE, parser.getText());
    }
    return parser.getIntValue();
  }

  private static Object longInteger(JsonParser parser, String path) throws IOException {
    require(parser, JsonToken.VALUE_NUMBER_INT, path, "a JSON integer");
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw outOfRange(path, Long.MIN_VALUE, Long.MAX_VALUE, parser.getText());
    }
    return parser.getLongValue();
  }

  private static Object number(JsonParser parser, String path) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      require(parser, JsonToken.VALUE_NUMBER_FLOAT, path, "a JSON number");
    }
    return parser.getDoubleValue();
  }

  private static Object bool(JsonParser parser, String path) {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
      throw bad("field '" + path + "' must be true or false, found " + describe(token));
    }
    return token == JsonToken.VALUE_TRUE;
  }

  private static Object string(JsonParser parser, String path) throws IOException {
    require(parser, JsonToken.VALUE_STRING, path, "a JSON string");
    return parser.getText();
  }

  private static Object pacing(JsonParser parser, String path) throws IOException {
    String name = (String) string(parser, path);
    for (Pacing pacing : Pacing.values()) {
      if (pacing.name().equals(name)) {
        return pacing;
      }
    }
    throw bad(
        "field '"
            + path
            + "' must be one of "
            + List.of(Pacing.values())
            + ", found '"
            + name
            + "'");
  }

  private static void require(JsonParser parser, JsonToken type, String path, String what) {
    if (parser.currentToken() != type) {
      throw bad(
          "field '" + path + "' must be " + what + ", found " + describe(parser.currentToken()));
    }
  }

  private static IllegalArgumentException outOfRange(
      String path, long min, long max, String found) {
    return bad("field '" + path + "' must be in [" + min + ", " + max + "], found " + found);
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
