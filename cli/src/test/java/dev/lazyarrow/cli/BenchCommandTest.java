package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  /** The fixtures the bad --mix cases name, converted once for all: each takes seconds. */
  @TempDir static Path shared;

  private static final Map<String, String> FIXTURES =
      Map.of("A", "save_single", "B", "save_single", "D", "save_dict", "E", "save_empty");
  private static final Map<String, String> CONVERTED = new HashMap<>();

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

  @Test
  void bench_mix_printsTheMixtureAndItsFirstSourceFiguresAndTheirRatios() {
    Path a = Fixtures.convert("save_single", tmp.resolve("a"));
    Path b = Fixtures.convert("save_single", tmp.resolve("b"));
    GoldenRowsTest.Run run =
        GoldenRowsTest.run(
            "bench", "--mix=" + a + "=0.5", "--mix=" + b + "=0.5", "--warmup-rows", "100", "--json");
    assertEquals(0, run.status(), run.err());
    JsonNode figures = Fixtures.json(run.out());
    List<String> keys = new ArrayList<>();
    figures.fieldNames().forEachRemaining(keys::add);
    assertEquals(
        List.of(
            "system",
            "sources",
            "rows",
            "open_s",
            "train_rows_per_s",
            "single_train_rows_per_s",
            "train_ratio",
            "packed_tokens_per_s",
            "single_packed_tokens_per_s",
            "packed_ratio",
            "packed_build_s",
            "single_packed_build_s"),
        keys);
    assertEquals(2, figures.get("sources").asInt());
    long rows;
    try (LazyDataset ds = LazyDataset.open(a)) {
      rows = ds.splits().get(0).size();
    }
    assertEquals(2 * rows, figures.get("rows").asLong());
    for (String pass : List.of("train_rows_per_s", "packed_tokens_per_s")) {
      double mixed = figures.get(pass).asDouble();
      double single = figures.get("single_" + pass).asDouble();
      assertTrue(mixed > 0 && single > 0, figures.toString());
      String ratio = pass.startsWith("train") ? "train_ratio" : "packed_ratio";
      assertEquals(mixed / single, figures.get(ratio).asDouble(), 1e-9 * mixed / single);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "dataset and mix|2|A --mix=A=1|give either DATASET or --mix",
        "split with mix|2|--mix=A=1 --split train|name each split as DATASET#SPLIT=WEIGHT",
        "no weight|2|--mix=A|--mix takes DATASET[#SPLIT]=WEIGHT",
        "weight not a number|2|--mix=A=half|a number, found",
        "negative weight|2|--mix=A=1 --mix=B=-1|found -1.0 for source 1",
        "NaN weight|2|--mix=A=NaN|found NaN",
        "infinite weight|2|--mix=A=Infinity|found Infinity",
        "every weight zero|2|--mix=A=0 --mix=B=0|every weight is zero",
        "one split twice|2|--mix=A=1 --mix=A=2|twice; give it one weight",
        "a pass mixtures do not run|2|--mix=A=1 --passes train,random|with --mix, --passes takes"
            + " train, packed; not 'random'",
        "bad mix mode|2|--mix=A=1 --mix-mode shuffle|--mix-mode must be blend or sample",
        "bad mix length|2|--mix=A=1 --mix-length forever|--mix-length must be a number",
        "columns differ|2|--mix=A=1 --mix=D#train=1|has columns",
        "source without rows|2|--mix=A=1 --mix=E=1|has no rows to draw from"
      })
  void bench_badMix_exitsWithOneMessage(String name, int status, String options, String message) {
    List<String> args = new ArrayList<>(List.of("bench"));
    for (String option : options.split(" ")) {
      String[] parts = option.split("=", -1);
      String at = option.startsWith("--mix=") ? parts[1].split("#")[0] : option;
      if (FIXTURES.containsKey(at)) {
        String path =
            CONVERTED.computeIfAbsent(
                at, f -> Fixtures.convert(FIXTURES.get(f), shared.resolve(f)).toString());
        option = option.replaceFirst("(--mix=)?" + at, "$1" + path);
      }
      args.add(option);
    }
    GoldenRowsTest.Run run = GoldenRowsTest.run(args.toArray(String[]::new));
    assertEquals(status, run.status(), String.join(" ", args) + ": " + run.err());
    assertTrue(run.err().contains(message), run.err());
    assertTrue(run.err().lines().count() <= 3, run.err());
  }
}
