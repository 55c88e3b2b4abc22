package dev.lazyarrow.djl.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Precision@K and recall@K of a multi-label classifier: the K labels it ranks highest against the
 * ones a row carries, averaged over rows.
 */
public final class RankingMetrics {
  private final int k;
  private double precision;
  private double recall;
  private long rows;

  /** Creates empty metrics at {@code k}. */
  public RankingMetrics(int k) {
    this.k = k;
  }

  /** Adds a batch: logits {@code (B, labels)} against multi-hot targets {@code (B, labels)}. */
  public void add(NDArray logits, NDArray targets) {
    try (NDArray top = logits.argSort(1, false).get(new NDIndex(":, :{}", k));
        NDArray hits = targets.gather(top, 1).sum(new int[] {1});
        NDArray carried = targets.sum(new int[] {1})) {
      float[] h = hits.toFloatArray();
      float[] c = carried.toFloatArray();
      for (int r = 0; r < h.length; r++) {
        precision += h[r] / k;
        recall += c[r] == 0 ? 0 : h[r] / Math.min(k, c[r]);
      }
      rows += h.length;
    }
  }

  /** Returns the mean share of the top K labels that the rows carry. */
  public double precision() {
    return precision / Math.max(1, rows);
  }

  /**
   * Returns the mean share of the rows' labels found in the top K, where a row with more than K
   * labels counts as fully recalled when all K are its own (as {@code samples/} counts it).
   */
  public double recall() {
    return recall / Math.max(1, rows);
  }
}
