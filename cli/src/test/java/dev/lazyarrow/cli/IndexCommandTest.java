package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Indexes fixtures in place and checks dump on the source folder against the golden rows. */
class IndexCommandTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "save_dict, train, save_dict.train.jsonl",
    "save_single, train, save_single.jsonl",
    "save_small_batches, train, save_small_batches.jsonl",
    "save_format_columns, train, save_format_columns.jsonl",
    "cache, train, cache.json-train.jsonl",
  })
  void indexThenDump_reproducesGoldenRows(String fixture, String split, String golden) {
    Path source = Fixtures.copyTree(Fixtures.path("hf/" + fixture), tmp.resolve("src"));
    GoldenRowsTest.Run index = GoldenRowsTest.run("index", source.toString());
    assertEquals(0, index.status(), index.err());
    assertTrue(index.out().contains("indexed " + source), index.out());

    List<String> expected = Fixtures.golden(golden);
    List<String> rows = expected.subList(1, expected.size());
    String indices =
        rows.stream()
            .map(r -> Fixtures.json(r).get("index").asText())
            .collect(Collectors.joining(","));
    GoldenRowsTest.Run dump =
        GoldenRowsTest.run("dump", source.toString(), "--split", split, "--rows", indices);
    assertEquals(0, dump.status(), dump.err());
    assertEquals(rows, dump.out().lines().toList());
    GoldenRowsTest.Run verify = GoldenRowsTest.run("verify", source.toString());
    assertEquals(0, verify.status(), verify.err());
  }

  @Test
  void dump_afterStreamChanged_exitsOneNamingTheFile() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    assertEquals(0, GoldenRowsTest.run("index", source.toString()).status());
    Path data = source.resolve("data-00000-of-00001.arrow");
    Files.setLastModifiedTime(data, java.nio.file.attribute.FileTime.fromMillis(0));
    GoldenRowsTest.Run dump = GoldenRowsTest.run("dump", source.toString(), "--rows", "0");
    assertEquals(1, dump.status());
    assertTrue(dump.err().contains(data + ": stream changed since it was indexed"), dump.err());
  }

  @Test
  void convert_severalConfigsNoneChosen_exitsTwoListingThem() throws IOException {
    for (String config : List.of("a", "b")) {
      Path dir = Files.createDirectories(tmp.resolve("hub").resolve(config).resolve("train"));
      Files.copy(Fixtures.path("parquet/gzip.parquet"), dir.resolve("0000.parquet"));
    }
    GoldenRowsTest.Run run =
        GoldenRowsTest.run("convert", tmp.resolve("hub").toString(), tmp.resolve("out").toString());
    assertEquals(2, run.status());
    assertTrue(run.err().contains("several configs [a, b]; choose one with --config"), run.err());
    GoldenRowsTest.Run chosen =
        GoldenRowsTest.run(
            "convert",
            tmp.resolve("hub").toString(),
            tmp.resolve("out").toString(),
            "--config",
            "b",
            "--quiet");
    assertEquals(0, chosen.status(), chosen.err());
    assertEquals("", chosen.err(), "no progress bar when stderr is not a terminal");
  }
}
