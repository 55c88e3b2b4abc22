package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Converts every fixture (save_to_disk, load_dataset cache, Hub Parquet, files pyarrow wrote) and
 * checks dump against the rows datasets or pyarrow returned, read through the mapping and by
 * positional reads of the rows' bytes alike.
 */
class GoldenRowsTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} {1} compression={3}")
  @CsvSource({
    "save_single, train, save_single.jsonl, none",
    "save_dict, train, save_dict.train.jsonl, none",
    "save_dict, validation, save_dict.validation.jsonl, none",
    "save_dict, test, save_dict.test.jsonl, none",
    "save_shuffled, train, save_shuffled.jsonl, none",
    "save_extension, train, save_extension.jsonl, none",
    "save_translation, train, save_translation.jsonl, none",
    "save_small_batches, train, save_small_batches.jsonl, none",
    "save_format_columns, train, save_format_columns.jsonl, none",
    "save_single, train, save_single.jsonl, zstd",
    "save_dict, train, save_dict.train.jsonl, zstd",
    "save_extension, train, save_extension.jsonl, zstd",
    "save_small_batches, train, save_small_batches.jsonl, zstd",
    "cache, train, cache.json-train.jsonl, none",
    "cache, test, cache.json-test.jsonl, none",
    "cache/json/default-4c8cc5446d095b48, train, cache.json-train.jsonl, zstd",
    "hub_parquet, train, hub_parquet.train.jsonl, none",
    "hub_parquet, test, hub_parquet.test.jsonl, zstd",
    "../polars/ipc_default.arrow, train, polars.ipc_default.jsonl, none",
    "../polars/ipc_lz4.arrow, train, polars.ipc_lz4.jsonl, zstd",
    "../polars/stream.arrow, train, polars.stream.jsonl, none",
    "../pyarrow/ipc_plain.arrow, train, pyarrow.ipc_plain.jsonl, none",
    "../pyarrow/ipc_lz4.arrow, train, pyarrow.ipc_lz4.jsonl, none",
    "../pyarrow/ipc_zstd.arrow, train, pyarrow.ipc_zstd.jsonl, zstd",
    "../pyarrow/feather_default.arrow, train, pyarrow.feather_default.jsonl, none",
    "../parquet/snappy.parquet, train, parquet.snappy.jsonl, none",
    "../parquet/zstd.parquet, train, parquet.zstd.jsonl, none",
    "../parquet/gzip.parquet, train, parquet.gzip.jsonl, none",
    "../parquet/lz4_raw.parquet, train, parquet.lz4_raw.jsonl, zstd",
    "../jsonl/types.jsonl, train, jsonl.types.jsonl, none",
  })
  void convertThenDump_reproducesGoldenRows(
      String fixture, String split, String golden, String compression) {
    Path out = tmp.resolve("out");
    Run convert =
        run(
            "convert",
            Fixtures.path("hf/" + fixture).toString(),
            out.toString(),
            "--compression",
            compression,
            "--batch-bytes",
            "65536");
    assertEquals(0, convert.status, convert.err);
    assertDumpsGolden(out.toString(), split, golden);
  }

  /**
   * Checks that {@code inspect} describes split {@code split} of {@code dataset} (a directory or a
   * URI) as the golden file {@code golden} does and that {@code dump} prints its rows, in every
   * read mode.
   */
  static void assertDumpsGolden(String dataset, String split, String golden) {
    List<String> expected = Fixtures.golden(golden);
    JsonNode header = Fixtures.json(expected.get(0));
    Run inspect = run("inspect", dataset, "--json");
    assertEquals(0, inspect.status, inspect.err);
    JsonNode described = null;
    for (JsonNode s : Fixtures.json(inspect.out).get("splits")) {
      if (s.get("name").asText().equals(split)) {
        described = s;
      }
    }
    assertEquals(header.get("num_rows").asLong(), described.get("rows").asLong());
    List<String> columns = new ArrayList<>();
    described.get("columns").forEach(c -> columns.add(c.get("name").asText()));
    List<String> goldenColumns = new ArrayList<>();
    header.get("columns").forEach(c -> goldenColumns.add(c.asText()));
    assertEquals(goldenColumns, columns);

    List<String> rows = expected.subList(1, expected.size());
    if (rows.isEmpty()) {
      Run dump = run("dump", dataset, "--split", split, "--range", "0:");
      assertEquals(0, dump.status, dump.err);
      assertEquals("", dump.out);
      return;
    }
    String indices =
        rows.stream()
            .map(r -> Fixtures.json(r).get("index").asText())
            .collect(Collectors.joining(","));
    for (String mode : new String[] {"mapped", "ranges", "auto"}) {
      Run dump = run("dump", dataset, "--split", split, "--rows", indices, "--read-mode", mode);
      assertEquals(0, dump.status, dump.err);
      assertEquals(rows, dump.out.lines().toList(), "--read-mode " + mode);
    }
  }

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine(args);
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int status = cmd.execute(args);
    return new Run(status, out.toString(), err.toString());
  }
}
