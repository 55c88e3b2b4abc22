package dev.lazyarrow.loader;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.TokenizerEngine;
import dev.lazyarrow.internal.convert.TokenizerFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A HuggingFace {@code tokenizer.json} that collates a text column of each {@link TrainingBatch}
 * into padded token ids on the fly, for data small enough that converting it once is not worth
 * it. Running it needs the module {@code dev.lazyarrow:lazyarrow-tokenizers} on the class path.
 *
 * <p>It is slower than tokenizing once ({@code lazyarrow convert --tokenizer}, then {@link
 * TrainingBatch#tokens}): every epoch encodes every text again, on the trainer's thread (the Rust
 * tokenizer spreads a batch over the cores), and the dataset records no tokenizer for {@link
 * LoaderBuilder#expectTokenizer} to check. The ids are those of the conversion: the same file, the
 * same special tokens and truncation. A null text gives an empty row.
 *
 * <pre>{@code
 * try (TextTokenizer tokenizer = TextTokenizer.open(Path.of("tokenizer.json"), true, 512)) {
 *   for (TrainingBatch batch : loader) {
 *     Padded ids = tokenizer.tokens(batch, "text", 0);
 *   }
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {
  private final TokenizerFile file;
  private final TokenizerEngine.Encoder encoder;

  private TextTokenizer(TokenizerFile file, TokenizerEngine.Encoder encoder) {
    this.file = file;
    this.encoder = encoder;
  }

  /**
   * Loads the tokenizer file {@code tokenizer}.
   *
   * @param addSpecialTokens whether the special tokens of the tokenizer's template are added
   * @param maxLength the most ids a text gives, truncated as the tokenizer truncates
   * @throws IllegalArgumentException if {@code maxLength} is not positive or the file does not
   *     exist
   * @throws LazyArrowException if the file is unreadable or malformed, its ids need more than 32
   *     bits, or no module on the class path runs tokenizers
   */
  public static TextTokenizer open(Path tokenizer, boolean addSpecialTokens, int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("max length must be at least 1, found " + maxLength);
    }
    TokenizerEngine engine = TokenizerEngine.find(tokenizer);
    TokenizerFile file = TokenizerFile.read(tokenizer);
    if (file.vocabSize() - 1 > Integer.MAX_VALUE) {
      throw new LazyArrowException(
          tokenizer, "vocabulary of " + file.vocabSize() + " needs ids beyond int32");
    }
    try {
      return new TextTokenizer(file, engine.load(tokenizer, addSpecialTokens, maxLength));
    } catch (IOException e) {
      throw new LazyArrowException(tokenizer, e.getMessage(), e);
    }
  }

  /** Returns the SHA-256 of the tokenizer file, as a converted dataset would record it. */
  public String sha256() {
    return file.sha256();
  }

  /**
   * Encodes the string column {@code textColumn} of {@code batch} and pads the ids to the batch's
   * longest row with {@code padValue}, as {@link TrainingBatch#tokens} pads a token column.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column does not hold strings
   * @throws LazyArrowException if the tokenizer gives an id beyond its vocabulary
   */
  public synchronized Padded tokens(TrainingBatch batch, String textColumn, int padValue) {
    List<String> texts = batch.strings(textColumn);
    List<String> present = new ArrayList<>(texts.size());
    for (String text : texts) {
      if (text != null) {
        present.add(text);
      }
    }
    long[][] encoded = encoder.encode(present.toArray(new String[0]));
    int rows = texts.size();
    int[] lengths = new int[rows];
    int width = 0;
    for (int r = 0, k = 0; r < rows; r++) {
      if (texts.get(r) != null) {
        lengths[r] = encoded[k++].length;
        width = Math.max(width, lengths[r]);
      }
    }
    int[] values = new int[Math.multiplyExact(rows, width)];
    int[] mask = new int[values.length];
    if (padValue != 0) {
      Arrays.fill(values, padValue);
    }
    for (int r = 0, k = 0; r < rows; r++) {
      if (texts.get(r) == null) {
        continue;
      }
      long[] ids = encoded[k++];
      for (int j = 0; j < ids.length; j++) {
        if (ids[j] < 0 || ids[j] >= file.vocabSize()) {
          throw new LazyArrowException(
              file.file(),
              "the tokenizer gave id " + ids[j] + ", outside its vocabulary of " + file.vocabSize());
        }
        values[r * width + j] = (int) ids[j];
        mask[r * width + j] = 1;
      }
    }
    return new Padded(values, mask, lengths, rows, width);
  }

  /** Releases the native tokenizer. */
  @Override
  public synchronized void close() {
    encoder.close();
  }
}
