package dev.lazyarrow.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Tokenization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenizeGoldenTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"bpe,true", "bpe,false", "wordpiece,true", "wordpiece,false"})
  void convert_withTokenizer_givesThePythonIdsRowByRow(String kind, boolean special)
      throws Exception {
    Path out = tmp.resolve("out");
    Converter.newBuilder()
        .tokenize(
            Tokenization.newBuilder(TokenizerFixtures.tokenizer(kind))
                .addSpecialTokens(special)
                .build())
        .build()
        .convert(TokenizerFixtures.TEXTS, out);
    List<long[]> golden = TokenizerFixtures.golden(kind, special);
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.splits().get(0);
      assertEquals(golden.size(), split.size());
      for (int i = 0; i < golden.size(); i++) {
        Row row = split.get(i);
        long[] expected = golden.get(i);
        if (expected == null) {
          assertTrue(row.isNull("input_ids"), "row " + i + " has null text, so null ids");
          assertTrue(row.isNull("text"));
        } else {
          assertArrayEquals(
              Arrays.stream(expected).mapToInt(x -> (int) x).toArray(),
              row.getIntArray("input_ids"),
              "row " + i);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"bpe,false,7", "wordpiece,true,7", "wordpiece,true,2"})
  void convert_withMaxLength_truncatesAsTheTokenizerDoes(String kind, boolean special, int max)
      throws Exception {
    Path out = tmp.resolve("out");
    Converter.newBuilder()
        .tokenize(
            Tokenization.newBuilder(TokenizerFixtures.tokenizer(kind))
                .addSpecialTokens(special)
                .maxLength(max)
                .build())
        .build()
        .convert(TokenizerFixtures.TEXTS, out);
    List<long[]> golden = TokenizerFixtures.golden(kind, special);
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.splits().get(0);
      for (int i = 0; i < golden.size(); i++) {
        long[] full = golden.get(i);
        if (full == null) {
          continue;
        }
        assertArrayEquals(truncated(full, max, special), split.get(i).getIntArray("input_ids"),
            "row " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"0,8", "<|endoftext|>,8", "0,0"})
  void convert_withEod_appendsItWithinTheMaxLength(String eod, int max) throws Exception {
    Path out = tmp.resolve("out");
    Tokenization.Builder t =
        Tokenization.newBuilder(TokenizerFixtures.tokenizer("bpe")).eod(eod);
    if (max > 0) {
      t.maxLength(max);
    }
    Converter.newBuilder().tokenize(t.build()).build().convert(TokenizerFixtures.TEXTS, out);
    List<long[]> golden = TokenizerFixtures.golden("bpe", true);
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split split = ds.splits().get(0);
      for (int i = 0; i < golden.size(); i++) {
        long[] full = golden.get(i);
        if (full == null) {
          continue;
        }
        long[] body = max > 0 ? Arrays.copyOf(full, Math.min(full.length, max - 1)) : full;
        int[] expected = Arrays.copyOf(toInts(body), body.length + 1);
        expected[body.length] = 0; // <|endoftext|> is id 0 in the fixture
        assertArrayEquals(expected, split.get(i).getIntArray("input_ids"), "row " + i);
      }
    }
  }

  /** The WordPiece template keeps [CLS] first and [SEP] last when it truncates. */
  private static int[] truncated(long[] full, int max, boolean special) {
    if (full.length <= max) {
      return toInts(full);
    }
    if (!special) {
      return toInts(Arrays.copyOf(full, max));
    }
    long[] kept = Arrays.copyOf(full, max);
    kept[max - 1] = full[full.length - 1];
    return toInts(kept);
  }

  private static int[] toInts(long[] ids) {
    return Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
  }
}
