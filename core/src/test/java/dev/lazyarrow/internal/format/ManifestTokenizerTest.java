package dev.lazyarrow.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The manifest's optional tokenizer record: written, read back, and refused when bad. */
class ManifestTokenizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "ab".repeat(32);

  @TempDir Path dir;

  private static Manifest manifest(TokenizerRecord tokenizer) {
    return new Manifest(
        "test",
        new Manifest.Source("lazyarrow", "/src", ""),
        List.of(
            new Manifest.SplitEntry(
                "train", 3, null, List.of(new Manifest.Shard("train/part-00000.arrow", 3, 100)))),
        tokenizer);
  }

  private static TokenizerRecord record() {
    return new TokenizerRecord(
        "tokenizer.json",
        SHA,
        30522,
        "input_ids",
        List.of(
            new TokenizerRecord.SpecialToken("[CLS]", 101),
            new TokenizerRecord.SpecialToken("[SEP]", 102)));
  }

  @Test
  void writeThenRead_roundTripsTheTokenizerRecord() throws IOException {
    manifest(record()).write(dir);
    assertEquals(record(), Manifest.read(dir).tokenizer());
  }

  @Test
  void read_manifestWithoutTokenizer_hasNone() throws IOException {
    manifest(null).write(dir);
    assertNull(Manifest.read(dir).tokenizer());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sha256|\"ABCD\"|sha256 must be 64 lower-case hex digits",
        "sha256|7|field 'sha256' must be a string",
        "vocab_size|0|vocab_size must be a JSON integer from 1 to 4294967296",
        "vocab_size|4294967297|vocab_size must be a JSON integer from 1 to 4294967296",
        "vocab_size|1.5|vocab_size must be a JSON integer",
        "file|\"../tokenizer.json\"|tokenizer file",
        "ids_column|\"\"|ids_column must be a name of 1 to 1024 chars",
        "special_tokens|{}|field 'special_tokens' must be an array",
        "special_tokens|[{\"token\": \"[CLS]\", \"id\": 30522}]|special token id must be a JSON"
            + " integer from 0 to 30521",
        "special_tokens|[{\"token\": 5, \"id\": 1}]|field 'token' must be a string",
        "special_tokens|[7]|each special token must be an object"
      })
  void read_badTokenizerField_isRefusedNamingTheManifest(String field, String value, String error)
      throws IOException {
    manifest(record()).write(dir);
    Path file = dir.resolve(Manifest.FILE_NAME);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ((ObjectNode) root.get("tokenizer")).set(field, JSON.readTree(value));
    Files.writeString(file, root.toString());
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Manifest.read(dir));
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(error), e.getMessage());
  }

  @Test
  void read_tokenizerNotAnObject_isRefused() throws IOException {
    manifest(record()).write(dir);
    Path file = dir.resolve(Manifest.FILE_NAME);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    root.put("tokenizer", "tokenizer.json");
    Files.writeString(file, root.toString());
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Manifest.read(dir));
    assertTrue(e.getMessage().contains("field 'tokenizer' must be an object"), e.getMessage());
  }
}
