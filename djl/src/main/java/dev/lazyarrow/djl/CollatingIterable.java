package dev.lazyarrow.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.DataIterable;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import dev.lazyarrow.Split;
import dev.lazyarrow.view.TrainingBatch;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The batches of a {@link LazyArrowDataset}, each collated whole: one {@code split.collate(rows)}
 * and one array per column, instead of a {@code get} and its arrays per row and then the
 * batchifier. The arrays are those the {@link TokenBatchifier} makes of the rows' records.
 */
final class CollatingIterable extends DataIterable {
  private final Split split;
  private final NDColumns data;
  private final NDColumns labels;

  CollatingIterable(
      LazyArrowDataset dataset,
      NDColumns data,
      NDColumns labels,
      NDManager manager,
      Sampler sampler,
      Batchifier dataBatchifier,
      Batchifier labelBatchifier,
      ExecutorService executor,
      int prefetch,
      Device device) {
    super(
        dataset,
        manager,
        sampler,
        dataBatchifier,
        labelBatchifier,
        null,
        null,
        executor,
        prefetch,
        device);
    this.split = dataset.split();
    this.data = data;
    this.labels = labels;
  }

  @Override
  protected Batch fetch(List<Long> indices, int progress) {
    NDManager batchManager = manager.newSubManager();
    batchManager.setName("dataIter fetch");
    long[] rows = new long[indices.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = indices.get(i);
    }
    TrainingBatch batch = split.collate(rows);
    NDList dataArrays = data.arrays(batchManager, batch, false);
    NDList labelArrays = labels.arrays(batchManager, batch, false);
    if (device != null) {
      dataArrays = dataArrays.toDevice(device, false);
      labelArrays = labelArrays.toDevice(device, false);
    }
    return new Batch(
        batchManager,
        dataArrays,
        labelArrays,
        rows.length,
        dataBatchifier,
        labelBatchifier,
        progress,
        dataset.size(),
        indices);
  }
}
