package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Converts every save_to_disk fixture and checks dump against the rows datasets returned. */
class GoldenRowsTest {
  @TempDir
  Path tmp;

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
      "save_single, train, save_single.jsonl, zstd",
      "save_dict, train, save_dict.train.jsonl, zstd",
      "save_extension, train, save_extension.jsonl, zstd",
      "save_small_batches, train, save_small_batches.jsonl, zstd",
  })
  void convertThenDump_reproducesGoldenRows(String fixture, String split, String golden,
      String compression) {
    Path out = tmp.resolve("out");
    Run convert = run("convert", Fixtures.path("hf/" + fixture).toString(), out.toString(),
        "--compression", compression, "--batch-bytes", "65536");
    assertEquals(0, convert.status, convert.err);

    List<String> expected = Fixtures.golden(golden);
    JsonNode header = Fixtures.json(expected.get(0));
    Run inspect = run("inspect", out.toString(), "--json");
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
      Run dump = run("dump", out.toString(), "--split", split, "--range", "0:");
      assertEquals(0, dump.status, dump.err);
      assertEquals("", dump.out);
      return;
    }
    String indices = rows.stream().map(r -> Fixtures.json(r).get("index").asText())
        .collect(Collectors.joining(","));
    Run dump = run("dump", out.toString(), "--split", split, "--rows", indices);
    assertEquals(0, dump.status, dump.err);
    assertEquals(rows, dump.out.lines().toList());
  }

  record Run(int status, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int status = cmd.execute(args);
    return new Run(status, out.toString(), err.toString());
  }
}
