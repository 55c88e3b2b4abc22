package dev.lazyarrow.tokenizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Tokenization;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ids of a conversion, value by value against those the Python tokenizers gave. */
class TokenizeGoldenTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"bpe,true", "bpe,false", "wordpiece,true", "wordpiece,false"})
  void convert_withTokenizer_givesThePythonIdsRowByRow(String kind, boolean special)
      throws Exception {
    List<int[]> ids =
        convertedIds(
            Tokenization.newBuilder(TokenizerFixtures.tokenizer(kind))
                .addSpecialTokens(special)
                .build());
    List<long[]> golden = TokenizerFixtures.golden(kind, special);
    assertEquals(golden.size(), ids.size());
    for (int i = 0; i < golden.size(); i++) {
      if (golden.get(i) == null) {
        assertNull(ids.get(i), "row " + i + " has null text, so null ids");
      } else {
        assertArrayEquals(toInts(golden.get(i)), ids.get(i), "row " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"bpe,false,7", "wordpiece,true,7", "wordpiece,true,2"})
  void convert_withMaxLength_truncatesAsTheTokenizerDoes(String kind, boolean special, int max)
      throws Exception {
    List<int[]> ids =
        convertedIds(
            Tokenization.newBuilder(TokenizerFixtures.tokenizer(kind))
                .addSpecialTokens(special)
                .maxLength(max)
                .build());
    List<long[]> golden = TokenizerFixtures.golden(kind, special);
    for (int i = 0; i < golden.size(); i++) {
      if (golden.get(i) != null) {
        assertArrayEquals(truncated(golden.get(i), max, special), ids.get(i), "row " + i);
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"0,8", "<|endoftext|>,8", "0,0"})
  void convert_withEod_appendsItWithinTheMaxLength(String eod, int max) throws Exception {
    Tokenization.Builder t =
        Tokenization.newBuilder(TokenizerFixtures.tokenizer("bpe")).eod(eod);
    if (max > 0) {
      t.maxLength(max);
    }
    List<int[]> ids = convertedIds(t.build());
    List<long[]> golden = TokenizerFixtures.golden("bpe", true);
    for (int i = 0; i < golden.size(); i++) {
      long[] full = golden.get(i);
      if (full == null) {
        continue;
      }
      long[] body = max > 0 ? Arrays.copyOf(full, Math.min(full.length, max - 1)) : full;
      int[] expected = Arrays.copyOf(toInts(body), body.length + 1);
      expected[body.length] = 0; // <|endoftext|> is id 0 in the fixture
      assertArrayEquals(expected, ids.get(i), "row " + i);
    }
  }

  /** Converts the fixture texts with {@code tokenization}; returns each row's ids, null for null. */
  private List<int[]> convertedIds(Tokenization tokenization) throws Exception {
    Path out = tmp.resolve("out");
    Converter.newBuilder().tokenize(tokenization).build().convert(TokenizerFixtures.TEXTS, out);
    return TokenizerFixtures.ids(out, tokenization.idsColumn());
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

  static int[] toInts(long[] ids) {
    return Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
  }
}
