package dev.lazyarrow.internal.convert;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A library that runs HuggingFace {@code tokenizer.json} files, found with {@link
 * java.util.ServiceLoader}: DJL's binding of the Rust {@code tokenizers} in {@code
 * lazyarrow-tokenizers}.
 */
public interface TokenizerEngine {
  /**
   * Loads the tokenizer {@code file}, already read and checked as JSON by the core.
   *
   * @param addSpecialTokens whether encoding adds the special tokens of the tokenizer's template
   * @param maxLength the most ids a text gives, truncated as the tokenizer truncates (keeping its
   *     special tokens); 0 for no bound
   * @throws IOException if the library cannot load the file
   */
  Encoder load(Path file, boolean addSpecialTokens, int maxLength) throws IOException;

  /** A loaded tokenizer; safe to use from one thread at a time. */
  interface Encoder extends AutoCloseable {
    /**
     * Encodes {@code texts}, none null, returning each one's ids in order; the library may use
     * every core.
     */
    long[][] encode(String[] texts);

    /** Releases the native tokenizer. */
    @Override
    void close();
  }
}
