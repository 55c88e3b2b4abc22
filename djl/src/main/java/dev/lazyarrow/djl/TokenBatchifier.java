package dev.lazyarrow.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import java.util.Arrays;

/**
 * A {@link Batchifier} that pads each token column's ids and mask to the longest row of the batch,
 * then stacks every array: ids {@code (B, L)} padded with the pad value, mask {@code (B, L)} padded
 * with 0, every other array stacked as {@link Batchifier#STACK} does.
 *
 * <p>The padding is per batch, so a batch of short rows stays small, which is what token-budget
 * batches count on. {@link #unbatchify} cuts each row back to its length, read from its mask.
 */
final class TokenBatchifier implements Batchifier {
  private static final long serialVersionUID = 1L;

  /** The positions of token ids in a row's arrays; each one's mask is at the next position. */
  private final int[] ids;

  private final long padValue;

  TokenBatchifier(int[] ids, long padValue) {
    this.ids = ids.clone();
    this.padValue = padValue;
  }

  @Override
  public NDList batchify(NDList[] inputs) {
    if (inputs.length == 0 || inputs[0].isEmpty()) {
      return new NDList();
    }
    NDManager manager = inputs[0].head().getManager();
    NDList out = new NDList(inputs[0].size());
    for (int p = 0; p < inputs[0].size(); p++) {
      String name = inputs[0].get(p).getName();
      NDArray batched;
      if (isIds(p)) {
        batched = pad(manager, inputs, p, padValue);
      } else if (p > 0 && isIds(p - 1)) {
        batched = pad(manager, inputs, p, 0);
      } else {
        NDList column = new NDList(inputs.length);
        for (NDList input : inputs) {
          column.add(input.get(p));
        }
        batched = NDArrays.stack(column);
      }
      batched.setName(name);
      out.add(batched);
    }
    return out;
  }

  @Override
  public NDList[] unbatchify(NDList inputs) {
    NDList[] rows = Batchifier.STACK.unbatchify(inputs);
    for (int p : ids) {
      long[] lengths = inputs.get(p + 1).sum(new int[] {1}).toLongArray();
      for (int r = 0; r < rows.length; r++) {
        for (int k = p; k <= p + 1; k++) {
          NDArray cut = rows[r].get(k).get(new NDIndex(":{}", lengths[r]));
          cut.setName(rows[r].get(k).getName());
          rows[r].set(k, cut);
        }
      }
    }
    return rows;
  }

  private boolean isIds(int position) {
    return Arrays.stream(ids).anyMatch(p -> p == position);
  }

  /** Pads the 1-D arrays at {@code position} of every row to the longest, into one matrix. */
  private static NDArray pad(NDManager manager, NDList[] inputs, int position, long value) {
    long[][] rows = new long[inputs.length][];
    int width = 0;
    for (int r = 0; r < rows.length; r++) {
      rows[r] = inputs[r].get(position).toLongArray();
      width = Math.max(width, rows[r].length);
    }
    long[] values = new long[rows.length * width];
    if (value != 0) {
      Arrays.fill(values, value);
    }
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, values, r * width, rows[r].length);
    }
    return manager.create(values, new Shape(rows.length, width));
  }
}
