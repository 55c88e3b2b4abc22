package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.SmallHeap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan --resume} given the states of issue 23's table: devices, states that parse but are
 * not valid, and numbers that overflow. A bad state is exit 1 naming the file and the field; a bad
 * option is exit 2 naming the rule and the value.
 */
class PlanResumeTest {
  @TempDir static Path tmp;

  private static String ds;
  private static String state;

  /** A valid state of save_dict's train split, saved after 3 batches of 100 rows. */
  @BeforeAll
  static void save() {
    ds = Fixtures.convert("save_dict", tmp.resolve("ds")).toString();
    Run first = run("plan", ds, "--split", "train", "--batch-size", "100", "--stop-after", "3");
    assertEquals(0, first.status(), first.err());
    String line = first.out().lines().reduce((a, b) -> b).orElseThrow();
    state = line.substring("{\"state\": ".length(), line.length() - 1);
  }

  private static Run resume(Path file) {
    return assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> run("plan", ds, "--split", "train", "--resume", file.toString()));
  }

  /**
   * Resumes from a file holding {@code text} and checks exit 1 naming it and saying {@code why}.
   */
  private static void refused(String name, String text, String why) throws IOException {
    Path file = Files.writeString(tmp.resolve(name), text);
    Run bad = resume(file);
    assertEquals(1, bad.status(), bad.err());
    assertTrue(bad.err().startsWith("lazyarrow: " + file + ": "), bad.err());
    assertTrue(bad.err().contains(why), "expected '" + why + "' in: " + bad.err());
    assertEquals("", bad.out());
  }

  @Test
  void plan_resumeFromDevZeroOrALinkToDevUrandom_failsQuicklyNamingTheFile() throws IOException {
    Path random = Files.createSymbolicLink(tmp.resolve("random.json"), Path.of("/dev/urandom"));
    // A link is named by where it leads, the file that was refused.
    for (Path file : List.of(Path.of("/dev/zero"), random)) {
      Run bad = resume(file);
      assertEquals(1, bad.status(), bad.err());
      assertEquals(
          "lazyarrow: "
              + file.toRealPath()
              + ": not a regular file but a FIFO, socket or device; refused",
          bad.err().strip());
    }
  }

  @Test
  void plan_resumeFromNullOrAWrapperOfOtherKeys_failsNamingTheFile() throws IOException {
    refused("empty.json", " \n", "it holds no JSON value");
    refused("null.json", "null", "its last JSON value is not an object but NULL");
    refused("state-null.json", "{\"state\": null}", "a loader state is a JSON object, found null");
    refused(
        "extra.json",
        "{\"state\": " + state + ", \"note\": 1}",
        "{\"state\": ...} holds nothing else, found [state, note]");
    refused(
        "twice.json",
        "{\"state\": " + state + ", \"state\": " + state + "}",
        "Duplicate field 'state'");
  }

  @Test
  void plan_resumeFromStatesThatParseButAreBad_failsNamingTheFileAndTheField() throws IOException {
    refused("no-seed.json", state.replace("\"seed\":0,", ""), "field 'seed' is missing");
    refused("no-step.json", state.replace("\"step\":3,", ""), "field 'step' is missing");
    refused(
        "dup.json",
        state.replace("\"seed\":0,", "\"seed\":0,\"seed\":1,"),
        "Duplicate field 'seed'");
    refused(
        "unknown.json",
        state.replace("\"seed\":0,", "\"seed\":0,\"sed\":1,"),
        "unknown field 'sed'");
    refused(
        "string.json",
        state.replace("\"rows\":", "\"rows\":\"").replace(",\"seed\"", "\",\"seed\""),
        "field 'rows' must be a JSON integer, found a string");
    refused(
        "fraction.json",
        state.replace("\"seed\":0,", "\"seed\":3.9,"),
        "field 'seed' must be a JSON integer, found a fraction");
    refused(
        "zero.json",
        state.replace("\"batchSize\":100,", "\"batchSize\":0,"),
        "batchSize must be positive");
    refused(
        "negative.json",
        state.replace("\"batchSize\":100,", "\"batchSize\":-1,"),
        "batchSize must be positive");
    refused(
        "window.json",
        state.replace("\"window\":0,", "\"window\":-3,"),
        "window must not be negative, found -3");
    refused(
        "nan.json",
        state.replace("\"pacingStart\":1.0", "\"pacingStart\":2"),
        "pacingStart must be in (0, 1], found 2.0");
    refused(
        "bucket.json",
        state.replace("\"bucketWindow\":0,", "\"bucketWindow\":8,"),
        "bucketWindow needs a token budget");
    refused(
        "step.json",
        state.replace("\"step\":3,", "\"step\":9223372036854775807,"),
        "step must be in [0, rows = ");
    refused(
        "beyond.json",
        state.replace("\"step\":3,", "\"step\":31,"),
        "the state's step must not exceed epoch 0's 30 global batches, found 31");
    refused(
        "rows.json",
        state.replace("\"rows\":", "\"rows\":1"),
        "the state was saved for a split of 1");
    refused(
        "last.json",
        state.replace("\"epoch\":0,", "\"epoch\":2147483647,"),
        "the state's epoch must be below 2147483647");
    refused("trailing.json", state + " 1", "its last JSON value is not an object but NUMBER");
    refused("garbage.json", state + " x", "Unrecognized token 'x'");
  }

  @Test
  void plan_epochOrStopAfterOutOfRange_isUsageErrorNamingTheRule() {
    Run last = run("plan", ds, "--split", "train", "--epoch", "2147483647");
    assertEquals(2, last.status());
    assertEquals(
        "lazyarrow: --epoch must be in [0, 2147483646], found 2147483647", last.err().strip());
    Run negative = run("plan", ds, "--split", "train", "--epoch", "-1");
    assertEquals(2, negative.status());
    assertEquals("lazyarrow: --epoch must be in [0, 2147483646], found -1", negative.err().strip());
    Run stop = run("plan", ds, "--split", "train", "--stop-after", "-1");
    assertEquals(2, stop.status());
    assertEquals("lazyarrow: --stop-after must not be negative, found -1", stop.err().strip());
    Run lastEpoch =
        run("plan", ds, "--split", "train", "--epoch", "2147483646", "--batch-size", "1000");
    assertEquals(0, lastEpoch.status(), lastEpoch.err());
  }

  @Test
  void plan_resumeWithBatchSizeOfIntMaxAtSmallHeap_runsOneBoundedBatch() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve("huge.json"),
            state
                .replace("\"batchSize\":100,", "\"batchSize\":2147483647,")
                .replace("\"step\":3,", "\"step\":0,"));
    // Two ranks: their batches are filled to one size, the path that allocated the batch size.
    SmallHeap.Outcome outcome =
        SmallHeap.run(
            Main.class.getName(),
            "plan",
            ds,
            "--split",
            "train",
            "--resume",
            file.toString(),
            "--world",
            "2");
    assertFalse(outcome.output().contains("OutOfMemoryError"), outcome.output());
    assertEquals(0, outcome.status(), outcome.output());
    List<String> lines = outcome.output().lines().toList();
    assertEquals(1, lines.size(), "one batch of the whole split");
    assertTrue(lines.get(0).startsWith("{\"batch\": 0, \"rows\": [0, 1, 2,"), lines.get(0));
    assertTrue(lines.get(0).endsWith(", 2999]}"), "3000 rows, each once");
  }
}
