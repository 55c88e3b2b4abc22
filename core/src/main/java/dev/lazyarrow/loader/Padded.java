package dev.lazyarrow.loader;

/**
 * A token column collated into a padded matrix: row-major values, an attention mask and lengths.
 *
 * @param values {@code rows * width} ids, row {@code r} at {@code [r * width, (r + 1) * width)},
 *     padded with the pad value
 * @param mask 1 where {@code values} holds a token, 0 where it holds padding
 * @param lengths each row's token count after truncation
 * @param rows the number of rows
 * @param width the padded length: the longest row, at most the truncation length
 */
public record Padded(int[] values, int[] mask, int[] lengths, int rows, int width) {
  /** Returns the id at row {@code row}, column {@code column}. */
  public int value(int row, int column) {
    return values[row * width + column];
  }
}
