package dev.lazyarrow.cli.demo;

import dev.lazyarrow.loader.Padded;
import java.util.Arrays;

/**
 * A multi-label classifier over bags of token ids: one logistic unit per label over the sum of the
 * row's token weights (one weight per token and label), trained by plain SGD.
 *
 * <p>Token ids index a table of {@code buckets} rows; larger ids share rows (the hashing trick), so
 * the model needs no vocabulary. Everything is deterministic: the same batches give the same
 * weights, bit for bit, which is what lets a resumed run match an uninterrupted one.
 */
public final class BagOfTokens {
  private final int buckets;
  private final int labels;
  private final float[] weights;
  private final float[] bias;

  /** Creates an untrained model (all weights zero) for {@code labels} labels. */
  public BagOfTokens(int buckets, int labels) {
    if (buckets <= 0 || labels <= 0) {
      throw new IllegalArgumentException(
          "buckets and labels must be positive, found " + buckets + " and " + labels);
    }
    this.buckets = buckets;
    this.labels = labels;
    this.weights = new float[buckets * labels];
    this.bias = new float[labels];
  }

  private BagOfTokens(BagOfTokens other) {
    this.buckets = other.buckets;
    this.labels = other.labels;
    this.weights = other.weights.clone();
    this.bias = other.bias.clone();
  }

  /** Returns a copy: a checkpoint of the weights. */
  public BagOfTokens copy() {
    return new BagOfTokens(this);
  }

  /** Returns whether {@code other} has exactly the same weights. */
  public boolean sameWeights(BagOfTokens other) {
    return Arrays.equals(weights, other.weights) && Arrays.equals(bias, other.bias);
  }

  /** Returns each label's probability for the token ids {@code ids}. */
  public float[] predict(int[] ids) {
    return probabilities(ids, 0, ids.length);
  }

  /**
   * Takes one SGD step on a batch: padded token ids and multi-hot targets. Returns the batch's mean
   * binary cross-entropy before the step.
   */
  public double train(Padded tokens, float[][] targets, float learningRate) {
    double loss = 0;
    float[] gradient = new float[labels];
    for (int r = 0; r < tokens.rows(); r++) {
      int from = r * tokens.width();
      int length = tokens.lengths()[r];
      float[] p = probabilities(tokens.values(), from, from + length);
      for (int k = 0; k < labels; k++) {
        float y = targets[r][k];
        loss -= y * Math.log(Math.max(p[k], 1e-7)) + (1 - y) * Math.log(Math.max(1 - p[k], 1e-7));
        gradient[k] = (p[k] - y) * learningRate / tokens.rows();
        bias[k] -= gradient[k];
      }
      for (int t = from; t < from + length; t++) {
        int row = bucket(tokens.values()[t]);
        for (int k = 0; k < labels; k++) {
          weights[row * labels + k] -= gradient[k];
        }
      }
    }
    return loss / Math.max(1, tokens.rows() * labels);
  }

  private float[] probabilities(int[] ids, int from, int to) {
    float[] h = bias.clone();
    for (int t = from; t < to; t++) {
      int row = bucket(ids[t]);
      for (int k = 0; k < labels; k++) {
        h[k] += weights[row * labels + k];
      }
    }
    for (int k = 0; k < labels; k++) {
      h[k] = (float) (1 / (1 + Math.exp(-h[k])));
    }
    return h;
  }

  private int bucket(int id) {
    return Math.floorMod(id, buckets);
  }
}
