package dev.lazyarrow.internal.convert;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.TokenizerRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A HuggingFace {@code tokenizer.json} as the core reads it, before any library runs it: its bytes'
 * SHA-256, its vocabulary (the model's plus the added tokens) and its special tokens.
 *
 * <p>The file is untrusted: it must be a regular file of at most {@value #MAX_BYTES} bytes holding
 * one JSON object with a {@code "model"} object, whose {@code "vocab"} is an object of token to id
 * (BPE, WordPiece, WordLevel) or an array of {@code [token, score]} pairs (Unigram), and every id a
 * JSON integer from 0 to 2^32-1.
 *
 * @param file the file read
 * @param sha256 its SHA-256 in lower-case hex
 * @param vocabSize one more than the largest id
 * @param specialTokens the added tokens marked special, in file order
 * @param ids every token's id, added tokens included
 */
public record TokenizerFile(
    Path file,
    String sha256,
    long vocabSize,
    List<TokenizerRecord.SpecialToken> specialTokens,
    Map<String, Long> ids) {
  /** The largest tokenizer file read: 256 MiB. */
  public static final long MAX_BYTES = 256L << 20;

  private static final long MAX_ID = (1L << 32) - 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * Reads and checks {@code file}.
   *
   * @throws IllegalArgumentException if the file does not exist or is not a regular file (an
   *     argument names it)
   * @throws LazyArrowException if it cannot be read, is too large or is not a tokenizer.json
   */
  public static TokenizerFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "tokenizer " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
    }
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new LazyArrowException(
            file, "tokenizer is " + size + " bytes; more than " + MAX_BYTES + " is refused");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("tokenizer " + file + " does not exist", e);
    } catch (IOException e) {
      throw new LazyArrowException(file, "cannot read the tokenizer: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new LazyArrowException(file, "tokenizer is not valid JSON: " + e.getMessage(), e);
    }
    require(file, root != null && root.isObject(), "tokenizer is not a JSON object");
    JsonNode model = root.get("model");
    require(file, model != null && model.isObject(), "tokenizer has no 'model' object");
    Map<String, Long> ids = new HashMap<>();
    long largest = -1;
    JsonNode vocab = model.get("vocab");
    if (vocab != null && vocab.isObject()) {
      for (var entry : vocab.properties()) {
        long id = id(file, entry.getValue(), "vocab entry " + entry.getKey());
        ids.put(entry.getKey(), id);
        largest = Math.max(largest, id);
      }
    } else if (vocab != null && vocab.isArray()) {
      for (int i = 0; i < vocab.size(); i++) {
        JsonNode pair = vocab.get(i);
        require(file, pair.isArray() && pair.size() >= 1 && pair.get(0).isTextual(),
            "tokenizer vocab entry " + i + " must be [token, score]");
        ids.put(pair.get(0).textValue(), (long) i);
        largest = i;
      }
    } else {
      throw new LazyArrowException(file, "tokenizer model has no 'vocab' object or array");
    }
    List<TokenizerRecord.SpecialToken> specials = new ArrayList<>();
    JsonNode added = root.get("added_tokens");
    require(file, added == null || added.isNull() || added.isArray(),
        "tokenizer field 'added_tokens' must be an array");
    if (added != null) {
      for (JsonNode t : added) {
        require(file, t.isObject() && t.path("content").isTextual(),
            "each tokenizer added token must be an object with a 'content' string");
        String content = t.get("content").textValue();
        long id = id(file, t.get("id"), "added token " + content);
        ids.put(content, id);
        largest = Math.max(largest, id);
        if (t.path("special").asBoolean(false)) {
          specials.add(new TokenizerRecord.SpecialToken(content, id));
        }
      }
    }
    require(file, largest >= 0, "tokenizer has an empty vocabulary");
    return new TokenizerFile(file, sha256(bytes), largest + 1, List.copyOf(specials), Map.copyOf(ids));
  }

  /**
   * Returns the id of {@code spec}: a decimal id below the vocabulary size, else a token of it.
   *
   * @throws IllegalArgumentException if it is neither
   */
  public long resolve(String spec) {
    // A number is an id first: vocabularies hold digits as tokens too ("0" is id 16 in GPT-2's).
    if (spec.matches("[0-9]{1,10}")) {
      long n = Long.parseLong(spec);
      if (n < vocabSize) {
        return n;
      }
    } else if (ids.containsKey(spec)) {
      return ids.get(spec);
    }
    throw new IllegalArgumentException(
        "--eod must be a token of " + file + " or an id from 0 to " + (vocabSize - 1)
            + ", found '" + spec + "'");
  }

  private static long id(Path file, JsonNode node, String what) {
    require(file, node != null && node.isIntegralNumber() && node.canConvertToLong()
            && node.longValue() >= 0 && node.longValue() <= MAX_ID,
        "tokenizer " + what + ": id must be a JSON integer from 0 to " + MAX_ID + ", found " + node);
    return node.longValue();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void require(Path file, boolean condition, String message) {
    if (!condition) {
      throw new LazyArrowException(file, message);
    }
  }
}
