package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** convert --tokenizer, tokenize and inspect's tokenizer record, with their exit statuses. */
class TokenizeCommandTest {
  /** The tokenizers module's fixtures; the CLI's tests run from the repository's root. */
  private static final Path FIXTURES = Path.of("tokenizers/src/test/resources/tokenizers");

  private static final String BPE = FIXTURES.resolve("bpe/tokenizer.json").toString();

  @TempDir Path tmp;

  private Path texts() {
    return Fixtures.copyTree(FIXTURES.resolve("texts"), tmp.resolve("texts"));
  }

  private List<String> dump(Path dataset) {
    Run dump = run("dump", dataset.toString(), "--range", "0:323");
    assertEquals(0, dump.status(), dump.err());
    return dump.out().lines().toList();
  }

  @Test
  void tokenize_ofAnIndexedDataset_equalsConvertWithTokenizer() {
    Path source = texts();
    Path converted = tmp.resolve("converted");
    Run convert =
        run("convert", source.toString(), converted.toString(), "--tokenizer", BPE, "--eod", "0");
    assertEquals(0, convert.status(), convert.err());
    assertTrue(convert.out().contains("323 rows, "), convert.out());
    assertTrue(convert.out().contains(" tokens ("), convert.out());
    assertEquals(0, run("index", source.toString()).status());
    Path tokenized = tmp.resolve("tokenized");
    Run tokenize =
        run("tokenize", source.toString(), tokenized.toString(), "--tokenizer", BPE, "--eod", "0");
    assertEquals(0, tokenize.status(), tokenize.err());
    assertTrue(tokenize.out().startsWith("train: 323 rows in 1 shard"), tokenize.out());
    List<String> rows = dump(tokenized);
    assertEquals(323, rows.size());
    assertEquals(dump(converted), rows);
    assertTrue(rows.get(0).contains("\"input_ids\": [1754, "), rows.get(0));
  }

  @Test
  void inspect_tokenizedDataset_printsTheTokenizerRecord() throws IOException {
    Path out = tmp.resolve("out");
    assertEquals(0, run("convert", texts().toString(), out.toString(), "--tokenizer", BPE).status());
    Run text = run("inspect", out.toString());
    assertEquals(0, text.status(), text.err());
    assertTrue(text.out().contains("  tokenizer: " + out.resolve("tokenizer.json")), text.out());
    assertTrue(text.out().contains("special tokens: <|endoftext|>=0"), text.out());
    Run json = run("inspect", out.toString(), "--json");
    JsonNode tokenizer = new ObjectMapper().readTree(json.out()).get("tokenizer");
    assertEquals(64, tokenizer.get("sha256").asText().length());
    assertEquals("input_ids", tokenizer.get("ids_column").asText());
    assertEquals(0, tokenizer.get("special_tokens").get("<|endoftext|>").asLong());
    assertTrue(tokenizer.get("vocab_size").asLong() > 0);
  }

  @Test
  void inspect_untokenizedDataset_printsNoTokenizer() {
    Path out = Fixtures.convert("save_single", tmp.resolve("out"));
    Run inspect = run("inspect", out.toString());
    assertEquals(0, inspect.status(), inspect.err());
    assertFalse(inspect.out().contains("tokenizer"), inspect.out());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "max length 0|2|--max-length 0|--max-length must be at least 1, found 0",
        "missing file|2|--tokenizer /nonexistent/tokenizer.json|does not exist",
        "option without tokenizer|2|--eod 0 NONE|need --tokenizer <tokenizer.json>",
        "malformed file|1|--tokenizer BAD|tokenizer is not valid JSON",
        "missing text column|1|--text-column body|no text column 'body' to tokenize",
        "ids column taken|1|--ids-column text|column 'text' exists already",
        "eod not in vocabulary|2|--eod <nope>|<nope>"
      })
  void convert_badTokenizing_exitsWithOneMessage(
      String name, int status, String options, String message) throws IOException {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "{\"model\": {\"vocab\": {\"a\": 0}}");
    Path out = tmp.resolve("out");
    List<String> args = new ArrayList<>(List.of("convert", texts().toString(), out.toString()));
    for (String option : options.split(" ")) {
      if (!option.equals("NONE")) {
        args.add(option.equals("BAD") ? bad.toString() : option);
      }
    }
    if (!options.contains("--tokenizer") && !options.contains("NONE")) {
      args.addAll(List.of("--tokenizer", BPE));
    }
    Run convert = run(args.toArray(new String[0]));
    assertEquals(status, convert.status(), convert.err());
    assertEquals(1, convert.err().lines().count(), convert.err());
    assertTrue(convert.err().contains(message), convert.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void convert_textColumnNotAString_exitsOne() {
    Path source = Fixtures.path("hf/save_single");
    Run convert =
        run("convert", source.toString(), tmp.resolve("out").toString(), "--tokenizer", BPE,
            "--text-column", "id");
    assertEquals(1, convert.status(), convert.err());
    assertTrue(convert.err().contains("column 'id' is Int(64, true), not a string"), convert.err());
    assertFalse(Files.exists(tmp.resolve("out")));
  }

  @Test
  void tokenize_withoutTokenizer_exitsTwo() {
    Path out = Fixtures.convert("save_single", tmp.resolve("ds"));
    Run tokenize = run("tokenize", out.toString(), tmp.resolve("out").toString());
    assertEquals(2, tokenize.status());
    assertTrue(tokenize.err().contains("--tokenizer <tokenizer.json> is required"), tokenize.err());
  }
}
