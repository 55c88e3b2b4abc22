package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Tokenization;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The tokenizing options that {@code convert} and {@code tokenize} share: {@code --tokenizer} and
 * how its ids are made.
 */
final class TokenizerOptions {
  @Option(
      names = "--tokenizer",
      paramLabel = "<tokenizer.json>",
      description =
          "add each text's token ids, made by this HuggingFace tokenizer file (kept beside the"
              + " shards and recorded, with its SHA-256, in the manifest)")
  Path tokenizer;

  @Option(
      names = "--text-column",
      paramLabel = "<name>",
      description = "the string column to tokenize (default: ${DEFAULT-VALUE})")
  String textColumn = Tokenization.DEFAULT_TEXT_COLUMN;

  @Option(
      names = "--ids-column",
      paramLabel = "<name>",
      description = "the new column of ids (default: ${DEFAULT-VALUE})")
  String idsColumn = Tokenization.DEFAULT_IDS_COLUMN;

  @Option(
      names = "--add-special-tokens",
      arity = "1",
      paramLabel = "true|false",
      description = "add the tokenizer's special tokens, as tokenizers does (default: ${DEFAULT-VALUE})")
  boolean addSpecialTokens = true;

  @Option(
      names = "--max-length",
      paramLabel = "<n>",
      description = "truncate each text's ids to n, the end-of-document id included")
  Integer maxLength;

  @Option(
      names = "--eod",
      paramLabel = "<id|token>",
      description = "append this end-of-document token (or id) to each text's ids")
  String eod;

  /**
   * Returns the tokenization these options describe, or null when {@code --tokenizer} is absent.
   *
   * @throws IllegalArgumentException if another tokenizing option is given without {@code
   *     --tokenizer}, or an option is out of range
   */
  Tokenization optional() {
    if (tokenizer != null) {
      return tokenization();
    }
    if (!textColumn.equals(Tokenization.DEFAULT_TEXT_COLUMN)
        || !idsColumn.equals(Tokenization.DEFAULT_IDS_COLUMN)
        || !addSpecialTokens
        || maxLength != null
        || eod != null) {
      throw new IllegalArgumentException(
          "--text-column, --ids-column, --add-special-tokens, --max-length and --eod need"
              + " --tokenizer <tokenizer.json>");
    }
    return null;
  }

  /**
   * Returns the tokenization these options describe.
   *
   * @throws IllegalArgumentException if {@code --tokenizer} is missing or an option is out of range
   */
  Tokenization tokenization() {
    if (tokenizer == null) {
      throw new IllegalArgumentException("--tokenizer <tokenizer.json> is required");
    }
    Tokenization.Builder builder =
        Tokenization.newBuilder(tokenizer)
            .textColumn(textColumn)
            .idsColumn(idsColumn)
            .addSpecialTokens(addSpecialTokens);
    if (maxLength != null) {
      builder.maxLength(maxLength);
    }
    if (eod != null) {
      builder.eod(eod);
    }
    return builder.build();
  }
}
