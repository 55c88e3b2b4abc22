package dev.lazyarrow.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.loader.Padded;
import dev.lazyarrow.loader.Tensor;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Columns of a split and their {@link Conversion}s: builds one row's or one batch's NDArrays from a
 * {@link TrainingBatch}, which reads them straight from the record batches.
 *
 * <p>Each column gives one array named after it, but a token column gives two: its ids, then its
 * mask, named {@code <column>_mask}. Immutable, so thread-safe.
 */
final class NDColumns {
  /** The suffix of a token column's mask array. */
  static final String MASK = "_mask";

  private final List<String> names;
  private final List<Conversion> conversions;

  /** The number of classes of each list-of-ClassLabel column; 0 for the others. */
  private final int[] classes;

  /** The shape of each Array2D..5D column (first size -1 if it varies); null for the others. */
  private final int[][] shapes;

  private final int maxTokens;
  private final int padValue;

  NDColumns(Split split, List<String> names, int maxTokens, int padValue) {
    this.names = List.copyOf(names);
    this.conversions = new ArrayList<>();
    this.classes = new int[this.names.size()];
    this.shapes = new int[this.names.size()][];
    for (int c = 0; c < classes.length; c++) {
      String name = this.names.get(c);
      conversions.add(Conversion.of(split, name));
      if (conversions.get(c) == Conversion.MULTI_HOT) {
        classes[c] = split.features().get(name).element().names().size();
      } else if (split.features().get(name) != null
          && split.features().get(name).kind() == Feature.Kind.ARRAY) {
        shapes[c] = split.features().get(name).shape();
      }
    }
    this.maxTokens = maxTokens;
    this.padValue = padValue;
  }

  /** Returns the positions, in the arrays of a row, of the token ids; each mask follows its ids. */
  int[] tokenPositions() {
    List<Integer> positions = new ArrayList<>();
    int at = 0;
    for (Conversion conversion : conversions) {
      if (conversion == Conversion.TOKENS) {
        positions.add(at);
        at++;
      }
      at++;
    }
    return positions.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Returns the arrays of {@code batch}'s rows: with a leading batch dimension, or without one when
   * {@code single} (a one-row batch read for {@code Dataset.get}).
   */
  NDList arrays(NDManager manager, TrainingBatch batch, boolean single) {
    NDList out = new NDList(names.size());
    for (int c = 0; c < names.size(); c++) {
      String name = names.get(c);
      int rows = batch.size();
      switch (conversions.get(c)) {
        case TOKENS -> {
          Padded padded = batch.tokens(name, maxTokens, padValue);
          Shape shape =
              single ? new Shape(padded.width()) : new Shape(padded.rows(), padded.width());
          out.add(named(manager.create(widen(padded.values()), shape), name));
          out.add(named(manager.create(widen(padded.mask()), shape), name + MASK));
        }
        case MULTI_HOT -> {
          float[][] hot = batch.multiHot(name);
          float[] flat = new float[rows * classes[c]];
          for (int r = 0; r < rows; r++) {
            System.arraycopy(hot[r], 0, flat, r * classes[c], classes[c]);
          }
          out.add(named(manager.create(flat, shape(single, rows, classes[c])), name));
        }
        case INT64 -> out.add(named(manager.create(batch.longs(name), shape(single, rows)), name));
        case FLOAT32 -> {
          double[] values = batch.doubles(name);
          float[] narrow = new float[values.length];
          for (int i = 0; i < values.length; i++) {
            narrow[i] = (float) values[i];
          }
          out.add(named(manager.create(narrow, shape(single, rows)), name));
        }
        case FLOAT64 ->
            out.add(named(manager.create(batch.doubles(name), shape(single, rows)), name));
        case TENSOR -> {
          Tensor tensor = batch.tensor(name);
          requireShape(tensor, shapes[c], name);
          out.add(named(tensor(manager, tensor, single), name));
        }
      }
    }
    return out;
  }

  /** Checks that the rows of an Array2D..5D column have the shape its feature gives them. */
  private static void requireShape(Tensor tensor, int[] feature, String column) {
    if (feature == null) {
      return;
    }
    int[] rows = Arrays.copyOfRange(tensor.shape(), 1, tensor.shape().length);
    boolean same = rows.length == feature.length;
    for (int d = 0; same && d < rows.length; d++) {
      same = feature[d] < 0 || feature[d] == rows[d];
    }
    if (!same) {
      throw new IllegalStateException(
          "column '"
              + column
              + "' holds rows of shape "
              + Arrays.toString(rows)
              + ", its feature says "
              + Arrays.toString(feature));
    }
  }

  private static NDArray tensor(NDManager manager, Tensor tensor, boolean single) {
    int[] dims = tensor.shape();
    long[] kept = new long[single ? dims.length - 1 : dims.length];
    for (int d = 0; d < kept.length; d++) {
      kept[d] = dims[dims.length - kept.length + d];
    }
    Shape shape = new Shape(kept);
    Object values = tensor.values();
    if (values instanceof float[] f) {
      return manager.create(f, shape);
    } else if (values instanceof double[] d) {
      return manager.create(d, shape);
    } else if (values instanceof long[] l) {
      return manager.create(l, shape);
    } else if (values instanceof int[] i) {
      return manager.create(i, shape);
    } else if (values instanceof byte[] b) {
      return manager.create(b, shape);
    }
    // DJL's PyTorch engine aborts the JVM on an int16 array: widen to int32.
    short[] s = (short[]) values;
    int[] wide = new int[s.length];
    for (int k = 0; k < s.length; k++) {
      wide[k] = s[k];
    }
    return manager.create(wide, shape);
  }

  private static Shape shape(boolean single, int rows, long... dims) {
    if (single) {
      return new Shape(dims);
    }
    long[] all = new long[dims.length + 1];
    all[0] = rows;
    System.arraycopy(dims, 0, all, 1, dims.length);
    return new Shape(all);
  }

  private static long[] widen(int[] values) {
    return Arrays.stream(values).asLongStream().toArray();
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}
