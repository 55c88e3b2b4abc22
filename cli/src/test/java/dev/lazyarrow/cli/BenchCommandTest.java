package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke run of {@code bench} on a small dataset: what it prints, never how fast it was. */
class BenchCommandTest {
  /** The figures bench adds to the reference's: JVM start-up and memory split by kind. */
  private static final List<String> EXTRA_KEYS =
      List.of(
          "open_first_s",
          "rss_mb_idle",
          "heap_mb_after_open",
          "heap_mb_committed",
          "arrow_mb_after_open",
          "random_read_bytes_per_row",
          "train_read_bytes_per_row",
          "packed_build_s");

  @TempDir Path tmp;

  /** Returns the keys of the JSON line hf_reference.py prints, read from its source. */
  private static List<String> referenceKeys() throws IOException {
    String source = Files.readString(Path.of("benchmarks/hf_reference.py"));
    String dumped = source.substring(source.indexOf("print(json.dumps({"));
    dumped = dumped.substring(0, dumped.indexOf("}))"));
    List<String> keys = new ArrayList<>();
    Matcher m = Pattern.compile("\"(\\w+)\":").matcher(dumped);
    while (m.find()) {
      keys.add(m.group(1));
    }
    return keys;
  }

  @Test
  void bench_lazyAndEager_printTheReferenceKeysThenTheJvmFigures() throws IOException {
    Path ds = Fixtures.convert("save_dict", tmp.resolve("dict"));
    List<String> expectedKeys = new ArrayList<>(referenceKeys());
    assertEquals(11, expectedKeys.size(), expectedKeys.toString());
    expectedKeys.addAll(EXTRA_KEYS);
    JsonNode lazy = bench(ds, "lazy");
    JsonNode eager = bench(ds, "eager");
    for (JsonNode figures : List.of(lazy, eager)) {
      List<String> keys = new ArrayList<>();
      figures.fieldNames().forEachRemaining(keys::add);
      assertEquals(expectedKeys, keys);
      assertEquals(3000, figures.get("rows").asLong());
      for (String rate : List.of("random_rows_per_s", "seq_rows_per_s", "shuffled_rows_per_s")) {
        assertTrue(figures.get(rate).asDouble() > 0, figures.toString());
      }
      assertTrue(figures.get("train_rows_per_s").isNull(), "no input_ids and label in save_dict");
      assertTrue(figures.get("packed_tokens_per_s").isNull(), "no input_ids in save_dict");
      assertTrue(figures.get("first_row_s").asDouble() >= figures.get("open_s").asDouble());
      assertTrue(figures.get("heap_mb_after_open").asDouble() > 0, figures.toString());
    }
    assertEquals("lazyarrow", lazy.get("system").asText());
    assertEquals("lazyarrow-eager", eager.get("system").asText());
    assertEquals(lazy.get("bytes"), eager.get("bytes"));
    // Eager holds every batch body in allocator memory, lazy at most the first row's batch.
    double bytesMb = lazy.get("bytes").asDouble() / (1 << 20);
    assertTrue(eager.get("arrow_mb_after_open").asDouble() > 0.8 * bytesMb, eager.toString());
    assertTrue(lazy.get("arrow_mb_after_open").asDouble() < 0.5 * bytesMb, lazy.toString());
  }

  @Test
  void bench_somePassesByRanges_printsNullForTheOthers() {
    Path ds = Fixtures.convert("save_dict", tmp.resolve("dict"));
    GoldenRowsTest.Run run =
        GoldenRowsTest.run(
            "bench",
            ds.toString(),
            "--split",
            "train",
            "--passes",
            "random",
            "--threads",
            "4",
            "--read-mode",
            "ranges",
            "--warmup-rows",
            "1000",
            "--json");
    assertEquals(0, run.status(), run.err());
    JsonNode figures = Fixtures.json(run.out());
    assertTrue(figures.get("random_rows_per_s").asDouble() > 0, figures.toString());
    assertTrue(figures.get("seq_rows_per_s").isNull(), figures.toString());
    assertTrue(figures.get("shuffled_rows_per_s").isNull(), figures.toString());
  }

  @Test
  void bench_packedPass_printsTokensPerSecondAndTheBuildTime() {
    Path ds = Fixtures.convert("save_single", tmp.resolve("single"));
    GoldenRowsTest.Run run =
        GoldenRowsTest.run(
            "bench", ds.toString(), "--passes", "packed", "--warmup-rows", "100", "--json");
    assertEquals(0, run.status(), run.err());
    JsonNode figures = Fixtures.json(run.out());
    assertTrue(figures.get("packed_tokens_per_s").asDouble() > 0, figures.toString());
    assertTrue(figures.get("packed_build_s").asDouble() > 0, figures.toString());
    assertTrue(figures.get("train_rows_per_s").isNull(), figures.toString());
  }

  @Test
  void bench_unknownPass_isAUsageErrorListingThePasses() {
    Path ds = Fixtures.convert("save_dict", tmp.resolve("dict"));
    GoldenRowsTest.Run run = GoldenRowsTest.run("bench", ds.toString(), "--passes", "random,fast");
    assertEquals(2, run.status(), run.err());
    assertTrue(
        run.err().contains("--passes takes random, seq, shuffled, train, packed; not 'fast'"),
        run.err());
  }

  @Test
  void bench_negativeWarmupRows_isAUsageError() {
    Path ds = Fixtures.convert("save_single", tmp.resolve("single"));
    GoldenRowsTest.Run run = GoldenRowsTest.run("bench", ds.toString(), "--warmup-rows", "-1");
    assertEquals(2, run.status(), run.err());
    assertTrue(run.err().contains("--warmup-rows must be at least 0: -1"), run.err());
  }

  private static JsonNode bench(Path ds, String mode) {
    GoldenRowsTest.Run run =
        GoldenRowsTest.run(
            "bench",
            ds.toString(),
            "--split",
            "train",
            "--mode",
            mode,
            "--warmup-rows",
            "1000",
            "--json");
    assertEquals(0, run.status(), run.err());
    assertEquals(1, run.out().lines().count(), run.out());
    return Fixtures.json(run.out());
  }

  @Test
  void bench_text_printsOneFigurePerLine() {
    Path ds = Fixtures.convert("save_single", tmp.resolve("single"));
    GoldenRowsTest.Run run = GoldenRowsTest.run("bench", ds.toString(), "--warmup-rows", "0");
    assertEquals(0, run.status(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(19, lines.size(), run.out());
    assertTrue(lines.get(0).matches("system +\"lazyarrow\""), lines.get(0));
    String train = lines.stream().filter(l -> l.startsWith("train_rows_per_s")).findFirst().get();
    assertTrue(Double.parseDouble(train.split(" +")[1]) > 0, train);
  }

  @Test
  void bench_severalSplitsAndNoChoice_exitsWithUsage() {
    Path ds = Fixtures.convert("save_dict", tmp.resolve("dict"));
    GoldenRowsTest.Run run = GoldenRowsTest.run("bench", ds.toString());
    assertEquals(Main.USAGE, run.status());
    assertTrue(run.err().contains("choose one with --split"), run.err());
  }

  @Test
  void bench_unknownMode_exitsWithUsage() {
    GoldenRowsTest.Run run = GoldenRowsTest.run("bench", tmp.toString(), "--mode", "sideways");
    assertEquals(Main.USAGE, run.status());
    assertTrue(run.err().contains("sideways"), run.err());
  }
}
