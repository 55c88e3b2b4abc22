package dev.lazyarrow.view;

import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import java.util.List;

/**
 * One batch of a training loop: its rows and their collation into training-ready arrays.
 *
 * <p>Its rows are read on the first call that needs them (a loader's iterator reads them ahead; a
 * plan never does). {@link #tokens} pads a token column into a matrix with an attention mask,
 * {@link #multiHot} turns a list-of-ClassLabel column into multi-label targets, and {@link #longs},
 * {@link #doubles} and {@link #strings} gather scalar columns.
 */
public final class TrainingBatch {
  private final int epoch;
  private final long step;
  private final long[] indices;
  private final Split split;
  private volatile List<Row> rows;

  TrainingBatch(int epoch, long step, long[] indices, Split split) {
    this.epoch = epoch;
    this.step = step;
    this.indices = indices;
    this.split = split;
  }

  /** Returns the epoch this batch belongs to. */
  public int epoch() {
    return epoch;
  }

  /** Returns this batch's global batch number within its epoch (shared by all ranks). */
  public long step() {
    return step;
  }

  /** Returns the split indices of the rows, in batch order. */
  public long[] indices() {
    return indices.clone();
  }

  /** Returns the rows, in batch order, reading them if no one has yet. */
  public List<Row> rows() {
    List<Row> r = rows;
    if (r == null) {
      r = split.take(indices);
      rows = r;
    }
    return r;
  }

  /** Returns the number of rows. */
  public int size() {
    return indices.length;
  }

  /** Pads the integer list column {@code column} to the batch's longest row, with 0. */
  public Padded tokens(String column) {
    return tokens(column, Integer.MAX_VALUE, 0);
  }

  /**
   * Pads the integer list column {@code column} to the batch's longest row, truncating rows to
   * {@code maxLength} and padding with {@code padValue}.
   *
   * @throws IllegalArgumentException if {@code maxLength} is not positive
   */
  public Padded tokens(String column, int maxLength, int padValue) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("max length must be positive: " + maxLength);
    }
    List<Row> rows = rows();
    int[][] ids = new int[rows.size()][];
    int width = 0;
    for (int r = 0; r < ids.length; r++) {
      ids[r] = rows.get(r).getIntArray(column);
      width = Math.max(width, Math.min(maxLength, ids[r].length));
    }
    int[] values = new int[ids.length * width];
    int[] mask = new int[values.length];
    int[] lengths = new int[ids.length];
    for (int r = 0; r < ids.length; r++) {
      int n = Math.min(width, ids[r].length);
      lengths[r] = n;
      java.util.Arrays.fill(values, r * width + n, (r + 1) * width, padValue);
      System.arraycopy(ids[r], 0, values, r * width, n);
      java.util.Arrays.fill(mask, r * width, r * width + n, 1);
    }
    return new Padded(values, mask, lengths, ids.length, width);
  }

  /**
   * Returns multi-hot targets of the list-of-ClassLabel column {@code column}: one row per batch
   * row, one entry per class, 1 where the row carries that label.
   *
   * @throws IllegalStateException if the column is not a list of ClassLabel
   */
  public float[][] multiHot(String column) {
    Feature feature = split.features().get(column);
    Feature item = feature == null ? null : feature.element();
    if (item == null || item.kind() != Feature.Kind.CLASS_LABEL) {
      throw new IllegalStateException("column '" + column + "' is not a list of ClassLabel");
    }
    int classes = item.names().size();
    List<Row> rows = rows();
    float[][] out = new float[rows.size()][classes];
    for (int r = 0; r < out.length; r++) {
      for (long label : rows.get(r).getLongArray(column)) {
        if (label < 0 || label >= classes) {
          throw new IllegalStateException(
              "row "
                  + rows.get(r).index()
                  + " of column '"
                  + column
                  + "' holds label "
                  + label
                  + ", outside 0.."
                  + (classes - 1));
        }
        out[r][(int) label] = 1f;
      }
    }
    return out;
  }

  /** Returns an integer column's values, one per row. */
  public long[] longs(String column) {
    List<Row> rows = rows();
    long[] out = new long[rows.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = rows.get(r).getLong(column);
    }
    return out;
  }

  /** Returns a numeric column's values as doubles, one per row. */
  public double[] doubles(String column) {
    List<Row> rows = rows();
    double[] out = new double[rows.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = rows.get(r).getDouble(column);
    }
    return out;
  }

  /** Returns a string column's values, one per row. */
  public List<String> strings(String column) {
    return rows().stream().map(r -> r.getString(column)).toList();
  }
}
