package dev.lazyarrow.tokenizers;

import static dev.lazyarrow.tokenizers.TokenizeGoldenTest.toInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.DatasetTokenizer;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Tokenization;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.Padded;
import dev.lazyarrow.loader.TextTokenizer;
import dev.lazyarrow.loader.TrainingBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokenizing beyond the golden rows: long, null and empty texts, the tokenizer a dataset records
 * and a loader expects, and tokenizing on the fly.
 */
class TokenizeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private Path convert(Path source, Tokenization tokenization) throws Exception {
    Path out = tmp.resolve("out-" + Files.list(tmp).count());
    Converter.Builder b = Converter.newBuilder();
    if (tokenization != null) {
      b.tokenize(tokenization);
    }
    b.build().convert(source, out);
    return out;
  }

  private static Tokenization bpe() {
    return Tokenization.newBuilder(TokenizerFixtures.tokenizer("bpe")).build();
  }

  @Test
  void convert_idsBeyondTheIntRange_areWrittenAsInt64NotWrapped() throws Exception {
    // The Rust tokenizer's ids are u32: a vocabulary may hold ids that int32 cannot.
    Path tokenizer = tmp.resolve("wide.json");
    Files.writeString(
        tokenizer,
        "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
            + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
            + "\"post_processor\":null,\"decoder\":null,\"model\":{\"type\":\"WordLevel\","
            + "\"vocab\":{\"[UNK]\":0,\"a\":3000000000},\"unk_token\":\"[UNK]\"}}");
    Path source = tmp.resolve("wide.jsonl");
    Files.writeString(source, "{\"text\": \"a a\"}\n{\"text\": \"b\"}\n");
    Path out = convert(source, Tokenization.newBuilder(tokenizer).build());
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.splits().get(0);
      assertEquals(
          "Int(64, true)",
          split.schema().findField("input_ids").getChildren().get(0).getType().toString());
      assertEquals(List.of(3_000_000_000L, 3_000_000_000L), split.get(0).getList("input_ids"));
      assertEquals(List.of(0L), split.get(1).getList("input_ids"));
    }
  }

  @Test
  void convert_textOf25000Chars_givesTheIdsOfItsWords() throws Exception {
    // WordPiece splits on whitespace first, so texts joined by spaces give their ids joined.
    List<long[]> golden = TokenizerFixtures.golden("wordpiece", false);
    StringBuilder text = new StringBuilder();
    List<Integer> expected = new ArrayList<>();
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, null))) {
      Split split = ds.splits().get(0);
      for (int i = 0; text.length() < 25_000; i = (i + 1) % golden.size()) {
        Row row = split.get(i);
        if (row.isNull("text") || row.getString("text").isBlank()) {
          continue;
        }
        text.append(text.isEmpty() ? "" : " ").append(row.getString("text"));
        for (long id : golden.get(i)) {
          expected.add((int) id);
        }
      }
    }
    Path jsonl = tmp.resolve("texts.jsonl");
    List<String> lines = new ArrayList<>();
    lines.add(JSON.createObjectNode().put("text", text.toString()).toString());
    lines.add(JSON.createObjectNode().putNull("text").toString());
    lines.add(JSON.createObjectNode().put("text", "").toString());
    Files.write(jsonl, lines);
    List<int[]> ids =
        TokenizerFixtures.ids(
            convert(
                jsonl,
                Tokenization.newBuilder(TokenizerFixtures.tokenizer("wordpiece"))
                    .addSpecialTokens(false)
                    .build()),
            Tokenization.DEFAULT_IDS_COLUMN);
    assertTrue(text.length() >= 25_000);
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), ids.get(0));
    assertNull(ids.get(1), "a null text gives null ids");
    assertArrayEquals(new int[0], ids.get(2), "an empty text gives no ids without special tokens");
  }

  @Test
  void convert_withTokenizer_recordsItAndKeepsItsFileBesideTheShards() throws Exception {
    Path tokenizer = TokenizerFixtures.tokenizer("bpe");
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, bpe()))) {
      DatasetTokenizer recorded = ds.tokenizer().orElseThrow();
      assertEquals(sha256(tokenizer), recorded.sha256());
      assertEquals(sha256(tokenizer), sha256(recorded.file()));
      assertEquals(ds.path().resolve("tokenizer.json"), recorded.file());
      assertEquals("input_ids", recorded.idsColumn());
      assertEquals(0L, recorded.specialTokens().get("<|endoftext|>"));
      ObjectNode vocab = (ObjectNode) JSON.readTree(tokenizer.toFile()).get("model").get("vocab");
      assertTrue(recorded.vocabSize() >= vocab.size(), "vocab_size " + recorded.vocabSize());
      assertEquals(recorded, ds.splits().get(0).tokenizer().orElseThrow());
    }
  }

  @Test
  void loaderExpectingTheRecordedTokenizer_builds() throws Exception {
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, bpe()));
        Loader loader =
            Loader.newBuilder(ds.splits().get(0))
                .expectTokenizer(sha256(TokenizerFixtures.tokenizer("bpe")).toUpperCase())
                .build()) {
      assertEquals(1, loader.iterator().next().size());
    }
  }

  @Test
  void loaderExpectingAnotherTokenizer_isRefusedAtBuild() throws Exception {
    String other = sha256(TokenizerFixtures.tokenizer("wordpiece"));
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, bpe()))) {
      var builder = Loader.newBuilder(ds.splits().get(0)).expectTokenizer(other);
      LazyArrowException e = assertThrows(LazyArrowException.class, builder::build);
      assertEquals(ds.path().resolve("tokenizer.json"), e.file());
      assertTrue(e.getMessage().contains("not the expected " + other), e.getMessage());
    }
  }

  @Test
  void loaderExpectingATokenizer_overADatasetRecordingNone_isRefusedAtBuild() throws Exception {
    String sha = sha256(TokenizerFixtures.tokenizer("bpe"));
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, null))) {
      var builder = Loader.newBuilder(ds.splits().get(0)).expectTokenizer(sha);
      LazyArrowException e = assertThrows(LazyArrowException.class, builder::build);
      assertTrue(e.getMessage().contains("records no tokenizer"), e.getMessage());
    }
  }

  @Test
  void expectTokenizer_notASha256_isRefused() throws Exception {
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, null))) {
      var builder = Loader.newBuilder(ds.splits().get(0));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> builder.expectTokenizer("abc"));
      assertTrue(e.getMessage().contains("64 hex digits, found 'abc'"), e.getMessage());
    }
  }

  @Test
  void textTokenizer_onABatch_padsTheIdsTheConversionGives() throws Exception {
    List<long[]> golden = TokenizerFixtures.golden("bpe", true);
    long[] rows = LongStream.concat(LongStream.range(0, 12), LongStream.of(315, 322)).toArray();
    try (LazyDataset ds = LazyDataset.open(convert(TokenizerFixtures.TEXTS, null));
        TextTokenizer tokenizer =
            TextTokenizer.open(TokenizerFixtures.tokenizer("bpe"), true, 16)) {
      assertEquals(sha256(TokenizerFixtures.tokenizer("bpe")), tokenizer.sha256());
      Padded padded = tokenizer.tokens(TrainingBatch.collate(ds.splits().get(0), rows), "text", -1);
      assertEquals(rows.length, padded.rows());
      assertEquals(16, padded.width());
      for (int r = 0; r < rows.length; r++) {
        long[] full = golden.get((int) rows[r]);
        int[] want = full == null ? new int[0] : toInts(full);
        int n = Math.min(16, want.length);
        assertEquals(n, padded.lengths()[r], "row " + rows[r]);
        for (int j = 0; j < 16; j++) {
          assertEquals(j < n ? want[j] : -1, padded.value(r, j), "row " + rows[r] + " at " + j);
          assertEquals(j < n ? 1 : 0, padded.mask()[r * 16 + j]);
        }
      }
    }
  }

  @Test
  void textTokenizer_maxLengthZero_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TextTokenizer.open(TokenizerFixtures.tokenizer("bpe"), true, 0));
    assertEquals("max length must be at least 1, found 0", e.getMessage());
  }
}
