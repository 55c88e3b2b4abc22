package dev.lazyarrow.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.DataIterable;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.Batchifier;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The batches of a {@link LazyArrowDataset}, each collated whole: one {@code
 * TrainingBatch.collate(split, rows)} (over a mixture, the loader's own batch) and one array per
 * column, instead of a {@code get} and its arrays per row and then the batchifier. The arrays are
 * those the {@link TokenBatchifier} makes of the rows' records.
 */
final class CollatingIterable extends DataIterable {
  // No fields: the base constructor already fetches batches ahead, before a subclass's fields are
  // set; fetch finds all it needs in the dataset.

  CollatingIterable(
      LazyArrowDataset dataset,
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
  }

  @Override
  protected Batch fetch(List<Long> indices, int progress) {
    NDManager batchManager = manager.newSubManager();
    batchManager.setName("dataIter fetch");
    long[] rows = new long[indices.size()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = indices.get(i);
    }
    NDList[] arrays = ((LazyArrowDataset) dataset).collate(batchManager, rows, indices);
    NDList dataArrays = arrays[0];
    NDList labelArrays = arrays[1];
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
