package dev.lazyarrow.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tokenizer fixtures that the Python {@code tokenizers} 0.23.2 wrote: a byte-level BPE and a
 * WordPiece tokenizer, a save_to_disk dataset of 323 texts (one empty, one null), and each text's
 * ids with and without special tokens.
 */
final class TokenizerFixtures {
  static final Path ROOT = Path.of("src/test/resources/tokenizers").toAbsolutePath();
  static final Path TEXTS = ROOT.resolve("texts");

  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerFixtures() {}

  /** Returns the tokenizer.json of {@code kind}, bpe or wordpiece. */
  static Path tokenizer(String kind) {
    return ROOT.resolve(kind).resolve("tokenizer.json");
  }

  /** Returns the ids in column {@code column} of the dataset {@code dir}'s only split, in order. */
  static List<int[]> ids(Path dir, String column) {
    List<int[]> rows = new ArrayList<>();
    try (LazyDataset ds = LazyDataset.open(dir)) {
      for (Row row : ds.splits().get(0)) {
        rows.add(row.isNull(column) ? null : row.getIntArray(column));
      }
    }
    return rows;
  }

  /** Returns each text's golden ids (null for a null text), in row order. */
  static List<long[]> golden(String kind, boolean special) throws IOException {
    Path file = ROOT.resolve("golden").resolve(kind + (special ? "" : ".plain") + ".jsonl");
    List<long[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      JsonNode ids = JSON.readTree(line).get("ids");
      if (ids.isNull()) {
        rows.add(null);
        continue;
      }
      long[] row = new long[ids.size()];
      for (int i = 0; i < row.length; i++) {
        row[i] = ids.get(i).longValue();
      }
      rows.add(row);
    }
    return rows;
  }
}
