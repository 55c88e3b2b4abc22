package dev.lazyarrow.djl;

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
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;

/**
 * A one-layer next-token model over the {@code input_ids} of a {@link PackedDataset} batch: each
 * input's embedding, projected to log-probabilities over {@code buckets} token buckets (ids share a
 * bucket modulo {@code buckets}, the hashing trick), with the masked loss of {@link #loss}.
 */
final class NextTokenBlock extends AbstractBlock {
  private final int buckets;
  private final Parameter embed;
  private final Parameter project;

  NextTokenBlock(int buckets, int width) {
    this.buckets = buckets;
    this.embed = weight("embed", new Shape(buckets, width));
    this.project = weight("project", new Shape(width, buckets));
  }

  private Parameter weight(String name, Shape shape) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(shape)
            .optInitializer(Initializer.ONES)
            .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.get("input_ids"); // int32, as PyTorch's embedding takes
    NDArray table = store.getValue(embed, ids.getDevice(), training);
    NDArray hidden = Embedding.embedding(ids.mod(buckets), table, SparseFormat.DENSE).head();
    NDArray logits = hidden.matMul(store.getValue(project, ids.getDevice(), training));
    return new NDList(logits.logSoftmax(-1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputs) {
    return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(1), buckets)};
  }

  /** Returns the mean negative log-likelihood of the labels where {@code loss_mask} is 1. */
  Loss loss() {
    return new Loss("masked next-token loss") {
      @Override
      public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray targets =
            labels.get("labels").mod(buckets).toType(DataType.INT64, false).oneHot(buckets);
        NDArray mask = labels.get("loss_mask");
        NDArray nll = predictions.head().mul(targets).sum(new int[] {-1}).neg();
        return nll.mul(mask).sum().div(mask.sum());
      }
    };
  }
}
