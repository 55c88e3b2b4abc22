package dev.lazyarrow.internal.convert;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * A library that runs HuggingFace {@code tokenizer.json} files, found with {@link
 * java.util.ServiceLoader}: DJL's binding of the Rust {@code tokenizers} in {@code
 * lazyarrow-tokenizers}.
 */
public interface TokenizerEngine {
  /** The module that runs tokenizers, named when it is missing. */
  String MODULE = "dev.lazyarrow:lazyarrow-tokenizers";

  /**
   * Returns the library on the class path that runs tokenizers.
   *
   * @throws LazyArrowException naming {@code tokenizer} and the module to add if there is none
   */
  static TokenizerEngine find(Path tokenizer) {
    for (TokenizerEngine engine :
        ServiceLoader.load(TokenizerEngine.class, TokenizerEngine.class.getClassLoader())) {
      return engine;
    }
    throw new LazyArrowException(
        tokenizer,
        "Tokenizing needs the module "
            + MODULE
            + ", which is not on the class path; add it to your pom (it brings DJL's binding of"
            + " the HuggingFace tokenizers and its native libraries)");
  }

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
