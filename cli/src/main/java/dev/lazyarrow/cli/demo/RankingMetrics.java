package dev.lazyarrow.cli.demo;

import java.util.List;

/**
 * Precision@K and recall@K of multi-label predictions: the K labels a model ranks highest, against
 * the labels a row carries. A sentence can carry several emotions, so a ranking metric fits where
 * plain accuracy would not.
 */
public final class RankingMetrics {
  private double precision;
  private double recall;
  private long rows;
  private final int k;

  /** Creates an empty tally of metrics at {@code k}. */
  public RankingMetrics(int k) {
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive: " + k);
    }
    this.k = k;
  }

  /** Adds one row: the model's {@code scores} per label and the row's true {@code labels}. */
  public void add(float[] scores, List<Long> labels) {
    int hits = 0;
    for (int label : topK(scores)) {
      hits += labels.contains((long) label) ? 1 : 0;
    }
    precision += hits / (double) k;
    recall += labels.isEmpty() ? 0 : hits / (double) Math.min(k, labels.size());
    rows++;
  }

  /** Returns the mean precision@K so far. */
  public double precision() {
    return rows == 0 ? 0 : precision / rows;
  }

  /**
   * Returns the mean recall@K so far, where a row with more than K labels counts as fully recalled
   * when its top K are all right.
   */
  public double recall() {
    return rows == 0 ? 0 : recall / rows;
  }

  /** Returns K. */
  public int k() {
    return k;
  }

  /** Returns the labels of the {@code k} highest scores; ties go to the lower label. */
  int[] topK(float[] scores) {
    int[] top = new int[Math.min(k, scores.length)];
    boolean[] taken = new boolean[scores.length];
    for (int i = 0; i < top.length; i++) {
      int best = -1;
      for (int label = 0; label < scores.length; label++) {
        if (!taken[label] && (best < 0 || scores[label] > scores[best])) {
          best = label;
        }
      }
      taken[best] = true;
      top[i] = best;
    }
    return top;
  }
}
