package dev.lazyarrow.tokenizers;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import dev.lazyarrow.internal.convert.TokenizerEngine;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs {@code tokenizer.json} files through DJL's binding of the HuggingFace Rust {@code
 * tokenizers}, which encodes a batch of texts on every core and returns the ids that the Python
 * {@code tokenizers} returns.
 *
 * <p>The core finds this class through {@link java.util.ServiceLoader}. Only the ids of each
 * encoding are fetched across JNI: DJL's own {@code Encoding} also copies the tokens, offsets and
 * masks of every text, which a conversion would throw away.
 */
public final class DjlTokenizers implements TokenizerEngine {
  /** Creates the engine; the native library loads with the first tokenizer. */
  public DjlTokenizers() {}

  @Override
  public Encoder load(Path file, boolean addSpecialTokens, int maxLength) throws IOException {
    HuggingFaceTokenizer.Builder builder =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(file)
            .optAddSpecialTokens(addSpecialTokens)
            .optPadding(false)
            .optTruncation(maxLength > 0);
    if (maxLength > 0) {
      builder.optMaxLength(maxLength);
    }
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = builder.build();
    } catch (RuntimeException e) {
      throw new IOException("the tokenizers library cannot load it: " + e.getMessage(), e);
    }
    return new DjlEncoder(tokenizer, addSpecialTokens);
  }

  /** One loaded tokenizer. */
  private static final class DjlEncoder implements Encoder {
    private final HuggingFaceTokenizer tokenizer;
    private final boolean addSpecialTokens;

    DjlEncoder(HuggingFaceTokenizer tokenizer, boolean addSpecialTokens) {
      this.tokenizer = tokenizer;
      this.addSpecialTokens = addSpecialTokens;
    }

    @Override
    public long[][] encode(String[] texts) {
      if (texts.length == 0) {
        return new long[0][];
      }
      TokenizersLibrary lib = TokenizersLibrary.LIB;
      long[] encodings = lib.batchEncode(tokenizer.getHandle(), texts, addSpecialTokens);
      long[][] ids = new long[encodings.length][];
      try {
        for (int i = 0; i < encodings.length; i++) {
          ids[i] = lib.getTokenIds(encodings[i]);
        }
      } finally {
        for (long encoding : encodings) {
          lib.deleteEncoding(encoding);
        }
      }
      return ids;
    }

    @Override
    public void close() {
      tokenizer.close();
    }
  }
}
