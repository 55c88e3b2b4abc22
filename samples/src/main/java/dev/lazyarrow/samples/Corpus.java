package dev.lazyarrow.samples;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Tokenization;
import dev.lazyarrow.loader.Mixture;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The pretraining sample's corpus: two bundled raw-text datasets, tokenized with the bundled
 * byte-level BPE {@code tokenizer.json} and mixed in set proportions, as a pretraining run mixes
 * web text and code.
 *
 * <p>The sources are the emotion sentences ({@code data/emotion}, train split, 6,000 short
 * sentences) and passages of software licenses ({@code data/licenses}, 323 texts, with a few
 * others: Korean, emoji, one empty and one null). Each is converted once with the tokenizer, which
 * writes the ids into a new column {@value #IDS} (the emotion data already has an {@code input_ids}
 * column of word ids) and records the tokenizer in the dataset's manifest. The mixture blends their
 * packed samples by weight; its epoch ends when the licenses, the smaller source, have been drawn
 * once, while the emotion sentences go on through their own epochs.
 */
public final class Corpus implements AutoCloseable {
  /** The column the tokenizer writes the ids into. */
  public static final String IDS = "tokens";

  /** The id of {@code <|endoftext|>} in the bundled tokenizer: what ends each document. */
  public static final int EOD = 0;

  private final LazyDataset emotion;
  private final LazyDataset licenses;
  private final Mixture mixture;

  private Corpus(LazyDataset emotion, LazyDataset licenses, double emotionWeight) {
    this.emotion = emotion;
    this.licenses = licenses;
    this.mixture =
        Mixture.newBuilder()
            .add(emotion.split("train").select(IDS), emotionWeight)
            .add(licenses.split("train").select(IDS), 1 - emotionWeight)
            .build();
  }

  /**
   * Tokenizes the bundled sources of {@code data} (the {@code samples/data} folder) into {@code
   * work} and returns them mixed, a share {@code emotionWeight} of the samples drawn from the
   * emotion sentences and the rest from the licenses.
   *
   * @throws IllegalArgumentException if {@code emotionWeight} is not in {@code (0, 1)}
   */
  public static Corpus prepare(Path data, Path work, double emotionWeight) throws IOException {
    if (!(emotionWeight > 0 && emotionWeight < 1)) {
      throw new IllegalArgumentException(
          "the emotion sentences' weight must be in (0, 1), found " + emotionWeight);
    }
    Converter tokenizing =
        Converter.newBuilder()
            .tokenize(Tokenization.newBuilder(tokenizer(data)).idsColumn(IDS).build())
            .build();
    tokenizing.convert(data.resolve("emotion"), work.resolve("emotion"));
    tokenizing.convert(data.resolve("licenses"), work.resolve("licenses"));
    LazyDataset emotion = LazyDataset.open(work.resolve("emotion"));
    try {
      LazyDataset licenses = LazyDataset.open(work.resolve("licenses"));
      try {
        return new Corpus(emotion, licenses, emotionWeight);
      } catch (RuntimeException e) {
        licenses.close();
        throw e;
      }
    } catch (RuntimeException e) {
      emotion.close();
      throw e;
    }
  }

  /** Returns the bundled tokenizer file of the {@code samples/data} folder {@code data}. */
  public static Path tokenizer(Path data) {
    return data.resolve("bpe").resolve("tokenizer.json");
  }

  /**
   * Returns the mixture of the two sources' {@value #IDS} columns: source 0 emotion, 1 licenses.
   */
  public Mixture mixture() {
    return mixture;
  }

  /** Returns the tokenized emotion sentences. */
  public LazyDataset emotion() {
    return emotion;
  }

  /** Returns the tokenized license passages. */
  public LazyDataset licenses() {
    return licenses;
  }

  /** Closes both datasets. */
  @Override
  public void close() {
    try {
      emotion.close();
    } finally {
      licenses.close();
    }
  }
}
