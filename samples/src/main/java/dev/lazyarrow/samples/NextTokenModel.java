package dev.lazyarrow.samples;

import dev.lazyarrow.loader.PackedBatch;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A tiny next-token model over a small vocabulary, trained by plain SGD on the softmax
 * cross-entropy of packed samples: a token's logits are a bias (the unigram part), plus the row of
 * a table for the previous token (a bigram model), plus the mean of another table's rows over the
 * tokens so far in the same piece of a document (a bag of its context).
 *
 * <p>The context restarts where a sample's position ids restart, so no document sees another's
 * words. Token ids index {@code vocab} rows; larger ids share rows (the hashing trick). The math is
 * float, in a fixed order, with {@link StrictMath}: the same batches give the same weights bit for
 * bit on every JVM, which is what lets a resumed run end equal to an uninterrupted one.
 */
public final class NextTokenModel {
  /** The largest vocabulary a saved model may claim: its tables then hold 2^25 floats. */
  static final int MAX_VOCAB = 1 << 12;

  private final int vocab;

  /** The bias, then the bigram table, then the context table, in one array. */
  private final float[] weights;

  private final float[] gradient;
  private final float[] p;
  private final float[] context;

  /**
   * Creates an untrained model over {@code vocab} tokens: all weights zero, all tokens as likely.
   */
  public NextTokenModel(int vocab) {
    this(checkVocab(vocab), new float[size(vocab)]);
  }

  private NextTokenModel(int vocab, float[] weights) {
    this.vocab = vocab;
    this.weights = weights;
    this.gradient = new float[weights.length];
    this.p = new float[vocab];
    this.context = new float[vocab];
  }

  private static int checkVocab(int vocab) {
    if (vocab < 2 || vocab > MAX_VOCAB) {
      throw new IllegalArgumentException(
          "vocab must be between 2 and " + MAX_VOCAB + ", found " + vocab);
    }
    return vocab;
  }

  private static int size(int vocab) {
    return vocab * (2 * vocab + 1);
  }

  /** Returns a copy: a checkpoint of the weights. */
  public NextTokenModel copy() {
    return new NextTokenModel(vocab, weights.clone());
  }

  /** Returns the number of tokens the model tells apart. */
  public int vocab() {
    return vocab;
  }

  /** Returns whether {@code other} has exactly the same weights, bit for bit. */
  public boolean sameWeights(NextTokenModel other) {
    return Arrays.equals(weights, other.weights);
  }

  /**
   * Takes one SGD step on a batch of packed samples: every input whose loss mask is 1 predicts its
   * label. The context table takes its own, larger step: its rows reach a logit only through a mean
   * over the context, so their gradients are that many times smaller. Returns the batch's mean
   * cross-entropy (nats per token) before the step.
   */
  public double train(PackedBatch batch, float learningRate, float contextLearningRate) {
    IntBuffer tokens = batch.tokens();
    IntBuffer positions = batch.positionIds();
    IntBuffer mask = batch.lossMask();
    int seqLen = batch.seqLen();
    Arrays.fill(gradient, 0f);
    // Each input's logit gradient over its context's length: the context table's gradient is,
    // for each context token, the sum of these over the inputs after it in its piece.
    float[] spread = new float[seqLen * vocab];
    double loss = 0;
    int counted = 0;
    for (int i = 0; i < batch.size(); i++) {
      int sample = i * (seqLen + 1);
      int n = 0;
      for (int t = 0; t < seqLen; t++) {
        int input = row(tokens.get(sample + t));
        if (positions.get(i * seqLen + t) == 0) {
          Arrays.fill(context, 0f);
          n = 0;
        }
        int table = contextRow(input);
        for (int v = 0; v < vocab; v++) {
          context[v] += weights[table + v];
        }
        n++;
        Arrays.fill(spread, t * vocab, (t + 1) * vocab, 0f);
        if (mask.get(i * seqLen + t) == 0) {
          continue;
        }
        int label = row(tokens.get(sample + t + 1));
        softmax(input, n);
        loss -= StrictMath.log(Math.max(p[label], 1e-30f));
        p[label] -= 1f;
        int bigram = bigramRow(input);
        for (int v = 0; v < vocab; v++) {
          gradient[v] += p[v];
          gradient[bigram + v] += p[v];
          spread[t * vocab + v] = p[v] / n;
        }
        counted++;
      }
      backToContext(tokens, positions, i, seqLen, spread);
    }
    if (counted == 0) {
      return 0;
    }
    float step = learningRate / counted;
    int contextStart = contextRow(0);
    for (int j = 0; j < contextStart; j++) {
      weights[j] -= step * gradient[j];
    }
    step = contextLearningRate / counted;
    for (int j = contextStart; j < weights.length; j++) {
      weights[j] -= step * gradient[j];
    }
    return loss / counted;
  }

  /** Adds sample {@code i}'s context-table gradient, sweeping each piece from its end. */
  private void backToContext(IntBuffer tokens, IntBuffer positions, int i, int seqLen, float[] g) {
    Arrays.fill(context, 0f);
    for (int t = seqLen - 1; t >= 0; t--) {
      int table = contextRow(row(tokens.get(i * (seqLen + 1) + t)));
      for (int v = 0; v < vocab; v++) {
        context[v] += g[t * vocab + v];
        gradient[table + v] += context[v];
      }
      if (positions.get(i * seqLen + t) == 0) {
        Arrays.fill(context, 0f);
      }
    }
  }

  /** Writes the probabilities of the token after {@code input}, {@code n} tokens in, into p. */
  private void softmax(int input, int n) {
    int bigram = bigramRow(input);
    float max = Float.NEGATIVE_INFINITY;
    for (int v = 0; v < vocab; v++) {
      p[v] = weights[v] + weights[bigram + v] + context[v] / n;
      max = Math.max(max, p[v]);
    }
    float sum = 0;
    for (int v = 0; v < vocab; v++) {
      p[v] = (float) StrictMath.exp(p[v] - max);
      sum += p[v];
    }
    for (int v = 0; v < vocab; v++) {
      p[v] /= sum;
    }
  }

  private int row(int id) {
    return Math.floorMod(id, vocab);
  }

  private int bigramRow(int row) {
    return vocab + row * vocab;
  }

  private int contextRow(int row) {
    return vocab * (vocab + 1) + row * vocab;
  }

  /** Writes the model to {@code file}: the vocabulary size, then the weights, big-endian. */
  public void save(Path file) throws IOException {
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(vocab);
      for (float w : weights) {
        out.writeFloat(w);
      }
    }
  }

  /**
   * Reads a model {@link #save} wrote.
   *
   * @throws IOException if the file cannot be read, or its size does not match the vocabulary size
   *     it starts with
   */
  public static NextTokenModel load(Path file) throws IOException {
    long bytes = Files.size(file);
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      int vocab = bytes >= 4 ? in.readInt() : -1;
      if (vocab < 2 || vocab > MAX_VOCAB || bytes != 4 + 4L * size(vocab)) {
        throw new IOException(
            file
                + ": not a saved NextTokenModel: "
                + bytes
                + " bytes, vocabulary "
                + vocab
                + " (a model of vocabulary V between 2 and "
                + MAX_VOCAB
                + " takes 4 + 4 V (2 V + 1) bytes)");
      }
      float[] weights = new float[size(vocab)];
      for (int j = 0; j < weights.length; j++) {
        weights[j] = in.readFloat();
      }
      return new NextTokenModel(vocab, weights);
    }
  }
}
