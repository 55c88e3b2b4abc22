package dev.lazyarrow.djl.sample;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * A multi-label classifier over bags of token ids: each label's logit is a bias plus the sum of the
 * row's token weights for that label, masked so that padding counts for nothing.
 *
 * <p>Takes the token ids {@code (B, L)} and their mask {@code (B, L)} and returns logits {@code (B,
 * labels)}. Ids index a table of {@code buckets} rows; larger ids share rows (the hashing trick).
 * The weights start at zero, so that runs are reproducible bit for bit.
 */
final class BagOfTokensBlock extends AbstractBlock {
  private final long buckets;
  private final Parameter table;
  private final Parameter bias;

  BagOfTokensBlock(int buckets, int labels) {
    this.buckets = buckets;
    this.table =
        addParameter(
            Parameter.builder()
                .setName("table")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(buckets, labels))
                .optInitializer(Initializer.ZEROS)
                .build());
    this.bias =
        addParameter(
            Parameter.builder()
                .setName("bias")
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(labels))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get(0);
    NDArray mask = inputs.get(1).toType(DataType.FLOAT32, false).expandDims(2);
    NDArray weights = store.getValue(table, ids.getDevice(), training);
    NDArray perToken = Embedding.embedding(ids.mod(buckets), weights, SparseFormat.DENSE).head();
    NDArray logits = perToken.mul(mask).sum(new int[] {1});
    return new NDList(logits.add(store.getValue(bias, ids.getDevice(), training)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0), table.getShape().get(1))};
  }
}
