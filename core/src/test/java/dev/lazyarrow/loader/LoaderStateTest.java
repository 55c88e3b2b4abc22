package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loader states read from JSON as untrusted data (issue 23): valid states round-trip, and a state
 * with a field unknown, repeated, missing, of the wrong type or out of range is one {@link
 * IllegalArgumentException} naming the field.
 */
class LoaderStateTest {
  @TempDir static Path tmp;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static LazyDataset dataset;
  private static LazyDataset twin;
  private static Split split;
  private static LoaderState plain;
  private static LoaderState budget;

  @BeforeAll
  static void open() throws IOException {
    Path out = tmp.resolve("single");
    Converter.newBuilder()
        .batchBytes(8 << 10)
        .build()
        .convert(Fixtures.path("hf/save_single"), out);
    dataset = LazyDataset.open(out);
    twin = LazyDataset.open(out);
    split = dataset.split("train");
    plain = Loader.newBuilder(split).shuffle(7).batchSize(16).build().state();
    budget =
        Loader.newBuilder(split)
            .shuffle(7)
            .tokenBudget(800, "input_ids")
            .paddedBudget()
            .bucketByLength(100)
            .build()
            .state();
  }

  @AfterAll
  static void close() {
    dataset.close();
    twin.close();
  }

  private static Mixture mixture() {
    return Mixture.newBuilder().add(split, 0.75).add(twin.split("train"), 0.25).length(90).build();
  }

  /** A state saved mid-epoch by a loader of {@code config}, over the split or the mixture. */
  private static LoaderState saved(Function<LoaderBuilder, LoaderBuilder> config, boolean mixed) {
    Loader loader =
        config.apply(mixed ? Loader.newBuilder(mixture()) : Loader.newBuilder(split)).build();
    loader.plan().next();
    return loader.state();
  }

  private static String message(String json) {
    return assertThrows(IllegalArgumentException.class, () -> LoaderState.fromJson(json))
        .getMessage();
  }

  /** Returns the message of reading the valid state {@code base} after {@code change}. */
  private static String changed(LoaderState base, Consumer<ObjectNode> change) {
    ObjectNode node = JSON.valueToTree(base);
    change.accept(node);
    return message(node.toString());
  }

  private static void assertMessage(String expected, String actual) {
    assertTrue(actual.startsWith("not a loader state: "), actual);
    assertTrue(actual.contains(expected), "expected '" + expected + "' in: " + actual);
  }

  @Test
  void fromJson_ofToJson_givesTheSameStateForSplitsAndMixtures() {
    List<LoaderState> states = new ArrayList<>();
    for (boolean mixed : new boolean[] {false, true}) {
      states.add(saved(b -> b.batchSize(7).shard(1, 3), mixed));
      states.add(saved(b -> b.shuffle(5).epoch(3).batchSize(60), mixed));
      states.add(saved(b -> b.blockShuffle(2, 3).batchSize(5).dropLast(), mixed));
    }
    // A token budget scans the lengths of a split once (seconds): over the split alone.
    states.add(saved(b -> b.shuffle(5).epoch(3).tokenBudget(600, "input_ids"), false));
    states.add(saved(b -> b.shuffle(1).tokenBudget(800, "input_ids").bucketByLength(100), false));
    states.add(saved(b -> b.curriculum("input_ids", 2).pacing(Pacing.LINEAR, 0.5), false));
    states.add(
        saved(b -> b.batchSize(4), true).withShard(0, 1).at(0, 0)); // a state at an epoch's start
    for (LoaderState state : states) {
      LoaderState read = LoaderState.fromJson(state.toJson());
      assertEquals(state, read);
      assertEquals(state.toJson(), read.toJson());
    }
    assertTrue(
        states.get(3).mixture() != null && states.get(3).step() > 0, states.get(3).toString());
  }

  @Test
  void fromJson_anyWhitespace_isAccepted() throws IOException {
    LoaderState state = saved(b -> b.batchSize(3), true);
    String pretty =
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(state.toJson()));
    assertTrue(pretty.contains("\n"), pretty);
    assertEquals(state, LoaderState.fromJson("\t\r\n " + pretty + "\n\n"));
  }

  @Test
  void fromJson_unknownField_isRefusedNamingIt() {
    assertMessage("unknown field 'seeds'", changed(plain, n -> n.put("seeds", 1)));
    LoaderState mixed = saved(b -> b.batchSize(3), true);
    assertMessage(
        "unknown field 'mixture.sources[1].shard'",
        changed(mixed, n -> ((ObjectNode) n.get("mixture").get("sources").get(1)).put("shard", 0)));
  }

  @Test
  void fromJson_fieldGivenTwice_isRefusedNamingIt() {
    String json = plain.toJson();
    assertMessage(
        "field 'seed' is given twice",
        message(json.replace("\"seed\":7", "\"seed\":7,\"seed\":8")));
  }

  @Test
  void fromJson_missingField_isRefusedNamingEach() {
    for (RecordComponent component : LoaderState.class.getRecordComponents()) {
      assertMessage(
          "field '" + component.getName() + "' is missing",
          changed(plain, n -> n.remove(component.getName())));
    }
    LoaderState mixed = saved(b -> b.batchSize(3), true);
    for (RecordComponent component : MixtureState.Source.class.getRecordComponents()) {
      assertMessage(
          "field 'mixture.sources[0]." + component.getName() + "' is missing",
          changed(
              mixed,
              n ->
                  ((ObjectNode) n.get("mixture").get("sources").get(0))
                      .remove(component.getName())));
    }
  }

  @Test
  void fromJson_wrongTypes_areRefusedNamingTheField() {
    assertMessage(
        "field 'rows' must be a JSON integer, found a string",
        changed(plain, n -> n.put("rows", "3000")));
    assertMessage(
        "field 'seed' must be a JSON integer, found a fraction",
        changed(plain, n -> n.put("seed", 3.9)));
    assertMessage(
        "field 'rows' must be a JSON integer, found a fraction",
        changed(plain, n -> n.put("rows", 3000.0)));
    assertMessage(
        "field 'dropLast' must be true or false, found an integer",
        changed(plain, n -> n.put("dropLast", 1)));
    assertMessage(
        "field 'order' must be a JSON string, found null", changed(plain, n -> n.putNull("order")));
    assertMessage(
        "field 'batchSize' must be a JSON integer, found null",
        changed(plain, n -> n.putNull("batchSize")));
    assertMessage(
        "field 'lengthColumn' must be a JSON string, found an array",
        changed(plain, n -> n.putArray("lengthColumn")));
    assertMessage(
        "field 'pacing' must be one of [NONE", changed(plain, n -> n.put("pacing", "FAST")));
    assertMessage(
        "field 'pacingStart' must be a JSON number, found a string",
        changed(plain, n -> n.put("pacingStart", "1")));
    assertMessage(
        "field 'mixture' must be an object, found an array",
        changed(plain, n -> n.putArray("mixture")));
    assertMessage(
        "field 'epoch' must be in [-2147483648, 2147483647], found 2147483648",
        changed(plain, n -> n.put("epoch", 2147483648L)));
    assertMessage(
        "field 'seed' must be in [-9223372036854775808, 9223372036854775807], found"
            + " 18446744073709551616",
        message(plain.toJson().replace("\"seed\":7", "\"seed\":18446744073709551616")));
    LoaderState mixed = saved(b -> b.batchSize(3), true);
    assertMessage(
        "field 'mixture.sources' must be an array, found an object",
        changed(mixed, n -> ((ObjectNode) n.get("mixture")).putObject("sources")));
    assertMessage(
        "field 'mixture.sources[0].weight' must be a JSON number, found a boolean",
        changed(
            mixed, n -> ((ObjectNode) n.get("mixture").get("sources").get(0)).put("weight", true)));
  }

  @Test
  void fromJson_outOfRangeValues_areRefusedNamingTheField() {
    assertMessage(
        "batchSize must be positive without a token budget, found -1",
        changed(plain, n -> n.put("batchSize", -1)));
    assertMessage(
        "batchSize must be positive without a token budget, found 0",
        changed(plain, n -> n.put("batchSize", 0)));
    assertMessage(
        "batchSize must be 0 with a token budget, found 8",
        changed(budget, n -> n.put("batchSize", 8)));
    assertMessage(
        "window must be positive with order block, found 0",
        changed(plain, n -> n.put("order", "block").put("window", 0)));
    assertMessage(
        "window must not be negative, found -3", changed(plain, n -> n.put("window", -3)));
    assertMessage(
        "order must be one of [sequential, shuffle, block], found random",
        changed(plain, n -> n.put("order", "random")));
    assertMessage(
        "tokenBudget must not be negative, found -1",
        changed(budget, n -> n.put("tokenBudget", -1)));
    assertMessage(
        "lengthColumn must be given exactly with a token budget",
        changed(plain, n -> n.put("lengthColumn", "input_ids")));
    assertMessage(
        "bucketWindow must not be negative, found -5",
        changed(budget, n -> n.put("bucketWindow", -5)));
    assertMessage(
        "bucketWindow needs a token budget", changed(plain, n -> n.put("bucketWindow", 8)));
    assertMessage(
        "curriculumEpochs must not be negative, found -1",
        changed(plain, n -> n.put("curriculumEpochs", -1)));
    for (double start : new double[] {2, -1, 0}) {
      assertMessage(
          "pacingStart must be in (0, 1], found " + start,
          changed(plain, n -> n.put("pacingStart", start)));
    }
    assertMessage(
        "pacingStart must be in (0, 1], found Infinity",
        message(plain.toJson().replace("\"pacingStart\":1.0", "\"pacingStart\":1e999")));
    assertMessage(
        "step must be in [0, rows = " + split.size() + "], found 9223372036854775807",
        changed(plain, n -> n.put("step", Long.MAX_VALUE)));
    assertMessage(
        "step must be in [0, rows = " + split.size() + "], found -1",
        changed(plain, n -> n.put("step", -1)));
    assertMessage("rows must not be negative, found -1", changed(plain, n -> n.put("rows", -1)));
    assertMessage("epoch must not be negative, found -1", changed(plain, n -> n.put("epoch", -1)));
    assertMessage("found rank 3 of 2", changed(plain, n -> n.put("rank", 3).put("worldSize", 2)));
    assertMessage("unsupported loader state version 9", changed(plain, n -> n.put("version", 9)));
    LoaderState mixed = saved(b -> b.batchSize(3), true);
    assertMessage(
        "mixture: mode must be blend or sample, found 'mix'",
        changed(mixed, n -> ((ObjectNode) n.get("mixture")).put("mode", "mix")));
    assertMessage(
        "mixture.sources[1]: a source has rows, a weight in [0, 1]",
        changed(
            mixed, n -> ((ObjectNode) n.get("mixture").get("sources").get(1)).put("weight", 2)));
    assertMessage(
        "step must be in [0, the mixture's positions = 90], found 91",
        changed(mixed, n -> n.put("step", 91)));
  }

  @Test
  void fromJson_textThatIsNotOneObject_isRefused() {
    String json = plain.toJson();
    assertMessage("a loader state is a JSON object, found nothing", message(""));
    assertMessage("a loader state is a JSON object, found null", message("null"));
    assertMessage("a loader state is a JSON object, found an array", message("[" + json + "]"));
    assertMessage("text follows the state's closing brace", message(json + " 1"));
    assertMessage("text follows the state's closing brace", message(json + json));
    assertMessage("at line 1 column", message(json.substring(0, json.length() - 1)));
    assertMessage("at line 1 column", message("/* a comment */" + json));
    assertThrows(NullPointerException.class, () -> LoaderState.fromJson(null));
  }

  @Test
  void resume_stepBeyondTheEpochsBatches_isRefusedByBuild() {
    long batches = (split.size() + 999) / 1000;
    LoaderState state = saved(b -> b.batchSize(1000), false);
    LoaderState beyond =
        LoaderState.fromJson(
            state.toJson().replace("\"step\":1,", "\"step\":" + (batches + 1) + ","));
    LoaderBuilder builder = Loader.newBuilder(split).resume(beyond);
    assertEquals(
        "the state's step must not exceed epoch 0's "
            + batches
            + " global batches, found "
            + (batches + 1),
        assertThrows(IllegalArgumentException.class, builder::build).getMessage());
  }

  @Test
  void resume_stateAtTheLastEpoch_isRefusedAndEpochStopsBelowIt() {
    LoaderState last = plain.at(Integer.MAX_VALUE, 0);
    assertEquals(
        "the state's epoch must be below 2147483647, so that the next can be counted: 2147483647",
        assertThrows(IllegalArgumentException.class, () -> Loader.newBuilder(split).resume(last))
            .getMessage());
    assertEquals(
        "epoch must be in [0, 2147483647), so that the next epoch can be counted: 2147483647",
        assertThrows(
                IllegalArgumentException.class,
                () -> Loader.newBuilder(split).epoch(Integer.MAX_VALUE))
            .getMessage());
    Loader loader = Loader.newBuilder(split).epoch(Integer.MAX_VALUE - 1).batchSize(1000).build();
    loader.plan().forEachRemaining(b -> {});
    assertEquals(Integer.MAX_VALUE, loader.state().epoch());
    assertThrows(IllegalStateException.class, loader::plan);
  }

  @Test
  void resume_batchSizeOfIntMax_makesBatchesNoLargerThanTheEpoch() {
    LoaderState huge =
        LoaderState.fromJson(
            plain.toJson().replace("\"batchSize\":16", "\"batchSize\":2147483647"));
    List<TrainingBatch> batches = new ArrayList<>();
    Loader.newBuilder(split).resume(huge).build().plan().forEachRemaining(batches::add);
    assertEquals(1, batches.size());
    assertEquals(split.size(), batches.get(0).indices().length);
    ObjectNode node = JSON.valueToTree(huge);
    node.put("dropLast", true);
    assertEquals(
        List.of(),
        iterate(Loader.newBuilder(split).resume(LoaderState.fromJson(node.toString())).build()));
  }

  @Test
  void build_bucketingWithoutABudget_isRefusedBeforeAStateIsMade() {
    assertEquals(
        "length bucketing needs a token budget",
        assertThrows(
                IllegalStateException.class,
                () -> Loader.newBuilder(split).batchSize(3).bucketByLength(10).build())
            .getMessage());
  }

  private static List<TrainingBatch> iterate(Loader loader) {
    List<TrainingBatch> out = new ArrayList<>();
    loader.plan().forEachRemaining(out::add);
    return out;
  }
}
