package dev.lazyarrow.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.PackedBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The NDArrays of a {@link PackedBatch} of {@code B} samples of {@code seqLen} inputs, each {@code
 * (B, seqLen)}: the data {@code input_ids}, {@code position_ids} and {@code segment_ids} (int32),
 * and the labels {@code labels} (int32) and {@code loss_mask} (float32, 1 where the label counts,
 * so that it multiplies a per-token loss as it is).
 *
 * <p>Each array's values are copied once from the loader's reused buffers into a direct buffer of
 * its own, which the engine takes without another copy. The batchifiers stack along the first
 * axis, so {@code Batch.split} gives each device whole samples.
 */
final class PackedArrays {
  private PackedArrays() {}

  /** Returns {@code packed} as a DJL batch whose arrays a sub-manager of {@code manager} owns. */
  static Batch batch(
      NDManager manager, PackedBatch packed, LoaderState after, long progress, long total) {
    NDManager own = manager.newSubManager();
    own.setName("packed batch");
    try {
      int size = packed.size();
      int seqLen = packed.seqLen();
      Shape shape = new Shape(size, seqLen);
      ByteBuffer inputs = direct(size * seqLen);
      ByteBuffer labels = direct(size * seqLen);
      IntBuffer in = inputs.asIntBuffer();
      IntBuffer out = labels.asIntBuffer();
      for (int i = 0; i < size; i++) {
        in.put(packed.inputs(i));
        out.put(packed.labels(i));
      }
      NDList data =
          new NDList(
              named(own.create(inputs, shape, DataType.INT32), "input_ids"),
              named(own.create(copy(packed.positionIds()), shape, DataType.INT32), "position_ids"),
              named(own.create(copy(packed.segmentIds()), shape, DataType.INT32), "segment_ids"));
      NDList label =
          new NDList(
              named(own.create(labels, shape, DataType.INT32), "labels"),
              named(own.create(floats(packed.lossMask()), shape, DataType.FLOAT32), "loss_mask"));
      long[] samples = new long[size];
      int[] sources = new int[size];
      for (int i = 0; i < size; i++) {
        samples[i] = packed.sample(i);
        // A sample is packed from one source's documents: its first piece tells which.
        sources[i] = packed.spans(i).get(0).source();
      }
      return new Batch(
          own,
          data,
          label,
          size,
          Batchifier.STACK,
          Batchifier.STACK,
          progress,
          total,
          new Samples(samples, sources, after));
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  private static ByteBuffer direct(int ints) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(ints, Integer.BYTES))
        .order(ByteOrder.nativeOrder());
  }

  private static ByteBuffer copy(IntBuffer values) {
    ByteBuffer out = direct(values.remaining());
    out.asIntBuffer().put(values);
    return out;
  }

  private static ByteBuffer floats(IntBuffer values) {
    ByteBuffer out = direct(values.remaining());
    FloatBuffer floats = out.asFloatBuffer();
    for (int i = values.position(); i < values.limit(); i++) {
      floats.put(values.get(i));
    }
    return out;
  }

  /** One batch's epoch sample indices and their sources, with the loader's state after it. */
  static final class Samples extends AbstractList<Long> implements RandomAccess {
    private final long[] samples;
    private final int[] sources;
    private final LoaderState after;

    Samples(long[] samples, int[] sources, LoaderState after) {
      this.samples = samples;
      this.sources = sources;
      this.after = after;
    }

    LoaderState after() {
      return after;
    }

    int[] sources() {
      return sources.clone();
    }

    @Override
    public Long get(int i) {
      return samples[i];
    }

    @Override
    public int size() {
      return samples.length;
    }
  }
}
