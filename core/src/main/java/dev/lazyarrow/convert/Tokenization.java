package dev.lazyarrow.convert;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a conversion turns a text column into token ids with a HuggingFace {@code tokenizer.json}:
 * the step that {@link Converter.Builder#tokenize} adds. Running it needs the module {@code
 * dev.lazyarrow:lazyarrow-tokenizers} on the class path.
 *
 * <p>Each text gives the ids the tokenizer gives for it (special tokens added unless told not to),
 * truncated as the tokenizer truncates to {@link Builder#maxLength} when set, then the
 * end-of-document id appended when set (within the maximum length). A null text gives null ids.
 */
public final class Tokenization {
  /** The text column read unless told otherwise. */
  public static final String DEFAULT_TEXT_COLUMN = "text";

  /** The ids column written unless told otherwise. */
  public static final String DEFAULT_IDS_COLUMN = "input_ids";

  private final Path tokenizer;
  private final String textColumn;
  private final String idsColumn;
  private final boolean addSpecialTokens;
  private final int maxLength;
  private final String eod;

  private Tokenization(Builder b) {
    this.tokenizer = b.tokenizer;
    this.textColumn = b.textColumn;
    this.idsColumn = b.idsColumn;
    this.addSpecialTokens = b.addSpecialTokens;
    this.maxLength = b.maxLength;
    this.eod = b.eod;
  }

  /** Returns a builder of tokenizations with the {@code tokenizer.json} file {@code tokenizer}. */
  public static Builder newBuilder(Path tokenizer) {
    return new Builder(Objects.requireNonNull(tokenizer, "tokenizer"));
  }

  /** Returns the tokenizer file. */
  public Path tokenizer() {
    return tokenizer;
  }

  /** Returns the column of texts read. */
  public String textColumn() {
    return textColumn;
  }

  /** Returns the column of ids written. */
  public String idsColumn() {
    return idsColumn;
  }

  /** Returns whether the tokenizer's special tokens are added. */
  public boolean addSpecialTokens() {
    return addSpecialTokens;
  }

  /** Returns the most ids a text gives, end-of-document included; 0 for no bound. */
  public int maxLength() {
    return maxLength;
  }

  /** Returns the end-of-document id or token appended to each text's ids, or null for none. */
  public String eod() {
    return eod;
  }

  /** Options of a tokenization. */
  public static final class Builder {
    private final Path tokenizer;
    private String textColumn = DEFAULT_TEXT_COLUMN;
    private String idsColumn = DEFAULT_IDS_COLUMN;
    private boolean addSpecialTokens = true;
    private int maxLength;
    private String eod;

    private Builder(Path tokenizer) {
      this.tokenizer = tokenizer;
    }

    /** Reads the texts from column {@code name} (default {@value #DEFAULT_TEXT_COLUMN}). */
    public Builder textColumn(String name) {
      this.textColumn = requireName("text column", name);
      return this;
    }

    /** Writes the ids into the new column {@code name} (default {@value #DEFAULT_IDS_COLUMN}). */
    public Builder idsColumn(String name) {
      this.idsColumn = requireName("ids column", name);
      return this;
    }

    /** Adds the special tokens of the tokenizer's template or not (default: added). */
    public Builder addSpecialTokens(boolean add) {
      this.addSpecialTokens = add;
      return this;
    }

    /**
     * Truncates each text's ids to {@code length}, the end-of-document id included.
     *
     * @throws IllegalArgumentException if {@code length} is not positive
     */
    public Builder maxLength(int length) {
      if (length < 1) {
        throw new IllegalArgumentException("--max-length must be at least 1, found " + length);
      }
      this.maxLength = length;
      return this;
    }

    /**
     * Appends the end-of-document token {@code idOrToken} (a token of the vocabulary, or its
     * decimal id) to each text's ids, as Megatron's {@code --append-eod} does.
     */
    public Builder eod(String idOrToken) {
      this.eod = Objects.requireNonNull(idOrToken, "idOrToken");
      return this;
    }

    /** Returns the tokenization. */
    public Tokenization build() {
      return new Tokenization(this);
    }

    private static String requireName(String what, String name) {
      Objects.requireNonNull(name, what);
      if (name.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return name;
    }
  }
}
