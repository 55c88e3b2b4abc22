package dev.lazyarrow.loader;

import dev.lazyarrow.DatasetTokenizer;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.LazyArrowException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The check of {@link LoaderBuilder#expectTokenizer}: every split a loader reads had its ids made
 * by the tokenizer file of the expected SHA-256, as its manifest records it.
 */
final class ExpectedTokenizer {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private ExpectedTokenizer() {}

  /**
   * Returns {@code sha256} in lower case.
   *
   * @throws IllegalArgumentException if it is not 64 hex digits
   */
  static String require(String sha256) {
    String lower = sha256.toLowerCase(Locale.ROOT);
    if (!SHA256.matcher(lower).matches()) {
      throw new IllegalArgumentException(
          "a tokenizer's SHA-256 must be 64 hex digits, found '" + sha256 + "'");
    }
    return lower;
  }

  /**
   * Checks that each of {@code splits} records the tokenizer {@code sha256}.
   *
   * @throws LazyArrowException if a split records another tokenizer (the message names its file)
   *     or none
   */
  static void check(List<Split> splits, String sha256) {
    for (Split split : splits) {
      Optional<DatasetTokenizer> recorded = split.tokenizer();
      if (recorded.isEmpty()) {
        throw new LazyArrowException(
            null,
            "split '" + split.name() + "' records no tokenizer; the loader expects the one of"
                + " SHA-256 " + sha256 + " (tokenize it with lazyarrow tokenize --tokenizer)");
      }
      if (!recorded.get().sha256().equals(sha256)) {
        throw new LazyArrowException(
            recorded.get().file(),
            "split '" + split.name() + "' was tokenized with the tokenizer of SHA-256 "
                + recorded.get().sha256() + ", not the expected " + sha256);
      }
    }
  }
}
