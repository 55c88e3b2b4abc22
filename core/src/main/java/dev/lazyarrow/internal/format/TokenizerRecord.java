package dev.lazyarrow.internal.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The tokenizer a dataset's ids were made with, as its manifest records it under {@code
 * "tokenizer"}:
 *
 * <pre>
 * "tokenizer": {
 *   "file": "tokenizer.json",           the copy beside the shards; a plain name
 *   "sha256": "9f86d0...",              64 lower-case hex digits: the file's SHA-256
 *   "vocab_size": 50257,                1 to 2^32: one more than the largest id
 *   "ids_column": "input_ids",          the column holding the ids; 1 to 1,024 chars
 *   "special_tokens": [                 at most 100,000, each of at most 1,024 chars
 *     {"token": "[CLS]", "id": 101}]}   ids below vocab_size
 * </pre>
 *
 * @param file the tokenizer file's name in the dataset directory
 * @param sha256 its SHA-256 in lower-case hex
 * @param vocabSize one more than the largest id it gives
 * @param idsColumn the column holding the ids
 * @param specialTokens its special tokens with their ids
 */
public record TokenizerRecord(
    String file, String sha256, long vocabSize, String idsColumn, List<SpecialToken> specialTokens) {
  /** The most special tokens a manifest may list. */
  static final int MAX_SPECIAL_TOKENS = 100_000;

  /** The longest special token a manifest may hold, in chars. */
  static final int MAX_TOKEN_CHARS = 1024;

  /** The largest vocabulary recorded: ids up to 2^32-1 (beyond, ids are int64). */
  static final long MAX_VOCAB_SIZE = 1L << 32;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** A special token and its id. */
  public record SpecialToken(String token, long id) {}

  /** Creates a record, copying the list. */
  public TokenizerRecord {
    specialTokens = List.copyOf(specialTokens);
  }

  /** Checks this record, blaming {@code manifest} for a fault. */
  void check(Path manifest) {
    Names.requirePlain(manifest, "tokenizer file", file);
    require(manifest, !idsColumn.isEmpty() && idsColumn.length() <= MAX_TOKEN_CHARS,
        "tokenizer ids_column must be a name of 1 to " + MAX_TOKEN_CHARS + " chars");
    require(manifest, sha256 != null && SHA256.matcher(sha256).matches(),
        "tokenizer sha256 must be 64 lower-case hex digits, found " + Names.quote(sha256));
    require(manifest, vocabSize >= 1 && vocabSize <= MAX_VOCAB_SIZE,
        "tokenizer vocab_size must be from 1 to " + MAX_VOCAB_SIZE + ", found " + vocabSize);
    require(manifest, specialTokens.size() <= MAX_SPECIAL_TOKENS,
        "tokenizer lists " + specialTokens.size() + " special tokens; at most "
            + MAX_SPECIAL_TOKENS + " are read");
    for (SpecialToken t : specialTokens) {
      require(manifest, t.token() != null && t.token().length() <= MAX_TOKEN_CHARS,
          "tokenizer special token must be a string of at most " + MAX_TOKEN_CHARS + " chars");
      require(manifest, t.id() >= 0 && t.id() < vocabSize,
          "tokenizer special token " + Names.quote(t.token()) + " has id " + t.id()
              + ", outside 0 to vocab_size-1 (" + (vocabSize - 1) + ")");
    }
  }

  /** Writes this record into {@code parent} as its field {@code "tokenizer"}. */
  void write(ObjectNode parent) {
    ObjectNode t = parent.putObject("tokenizer");
    t.put("file", file).put("sha256", sha256).put("vocab_size", vocabSize);
    t.put("ids_column", idsColumn);
    var specials = t.putArray("special_tokens");
    specialTokens.forEach(s -> specials.addObject().put("token", s.token()).put("id", s.id()));
  }

  /** Reads the record in {@code node} (null when absent) of the manifest {@code file}. */
  static TokenizerRecord read(Path file, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    require(file, node.isObject(), "field 'tokenizer' must be an object");
    JsonNode specials = node.get("special_tokens");
    require(file, specials != null && specials.isArray(),
        "tokenizer: field 'special_tokens' must be an array");
    require(file, specials.size() <= MAX_SPECIAL_TOKENS,
        "tokenizer lists " + specials.size() + " special tokens; at most " + MAX_SPECIAL_TOKENS
            + " are read");
    long vocab = integer(file, node.get("vocab_size"), "vocab_size", 1, MAX_VOCAB_SIZE);
    List<SpecialToken> tokens = new ArrayList<>();
    for (JsonNode s : specials) {
      require(file, s.isObject(), "tokenizer: each special token must be an object");
      tokens.add(new SpecialToken(text(file, s, "token"),
          integer(file, s.get("id"), "special token id", 0, vocab - 1)));
    }
    TokenizerRecord record = new TokenizerRecord(
        text(file, node, "file"), text(file, node, "sha256"), vocab, text(file, node, "ids_column"),
        tokens);
    record.check(file);
    return record;
  }

  private static String text(Path file, JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    require(file, n != null && n.isTextual(), "tokenizer: field '" + field + "' must be a string");
    return n.textValue();
  }

  private static long integer(Path file, JsonNode n, String what, long min, long max) {
    require(file, n != null && n.isIntegralNumber() && n.canConvertToLong()
            && n.longValue() >= min && n.longValue() <= max,
        "tokenizer: " + what + " must be a JSON integer from " + min + " to " + max + ", found "
            + n);
    return n.longValue();
  }

  private static void require(Path file, boolean condition, String message) {
    if (!condition) {
      throw new LazyArrowException(file, message);
    }
  }
}
