package dev.lazyarrow;

import dev.lazyarrow.internal.format.TokenizerRecord;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokenizer a dataset's token ids were made with, as its manifest records it: the {@code
 * tokenizer.json} kept beside the shards (to decode ids and size an embedding), its SHA-256, its
 * vocabulary size and its special tokens.
 *
 * @param file the tokenizer file beside the shards
 * @param sha256 the file's SHA-256 when the ids were made, in lower-case hex
 * @param vocabSize one more than the largest id the tokenizer gives
 * @param idsColumn the column holding the ids
 * @param specialTokens each special token and its id, in the tokenizer file's order
 */
public record DatasetTokenizer(
    Path file, String sha256, long vocabSize, String idsColumn, Map<String, Long> specialTokens) {
  /** Creates a record, copying the map and keeping its order. */
  public DatasetTokenizer {
    specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
  }

  /** Returns the record {@code record} of the dataset in {@code dir}, or null for null. */
  static DatasetTokenizer of(Path dir, TokenizerRecord record) {
    if (record == null) {
      return null;
    }
    Map<String, Long> specials = new LinkedHashMap<>();
    record.specialTokens().forEach(t -> specials.put(t.token(), t.id()));
    return new DatasetTokenizer(
        dir.resolve(record.file()), record.sha256(), record.vocabSize(), record.idsColumn(), specials);
  }
}
