package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Row;
import dev.lazyarrow.internal.bytes.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ViewVarCharVector;

/**
 * Collates one column of a training batch's rows straight from the leased record batches: list
 * offsets and value buffers are copied in bulk into one row-major array, with no {@link Row} and no
 * array per row.
 *
 * <p>The values are those of {@link TrainingBatch#rows()}. Dictionary-encoded columns, and value
 * types without a bulk path, are read through the batch's row reader, one value at a time.
 */
final class Collation {
  /** The staging array a thread keeps between batches, up to this many ids (16 MiB). */
  private static final int KEEP_STAGED = 1 << 22;

  private static final ThreadLocal<int[]> STAGED = ThreadLocal.withInitial(() -> new int[1 << 16]);

  private Collation() {}

  /**
   * One column's collation: fed the rows of every record batch of a walk, then finished. Several
   * share one walk ({@link TrainingBatch#prepare}), so that each record batch is leased and found
   * once for all of them.
   *
   * @param <T> the collated arrays
   */
  abstract static class Collator<T> implements Gather.Visitor {
    /** Returns the collated arrays, once the walk visited every record batch. */
    abstract T finish();

    /** Walks {@code g} for this collation alone and returns its arrays. */
    final T run(Gather g) {
      g.walk(this);
      return finish();
    }
  }

  /** Pads the integer lists of {@code column}, truncated to {@code maxLength}, with {@code pad}. */
  static Collator<Padded> tokens(Gather g, String column, int maxLength, int pad) {
    return new Tokens(g, column, maxLength, pad);
  }

  private static final class Tokens extends Collator<Padded> {
    private final Gather g;
    private final String column;
    private final int maxLength;
    private final int pad;
    private final int[] lengths;
    private final int[] starts;
    private final Staging staging;
    private final int position;

    /** The byte width of the ids as stored, 0 to read them as rows; -1 until the first batch. */
    private int width = -1;

    Tokens(Gather g, String column, int maxLength, int pad) {
      this.g = g;
      this.column = column;
      this.position = g.position(column);
      this.maxLength = maxLength;
      this.pad = pad;
      this.lengths = new int[g.size()];
      this.starts = new int[g.size()];
      // Taken from the thread while in use: two token columns of one walk must not share it.
      this.staging = new Staging(STAGED.get());
      STAGED.remove();
    }

    @Override
    public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
      FieldVector v = unwrap(batch.vector(position));
      Lists lists = Lists.of(v);
      if (width < 0) {
        // Every record batch of a split has its schema: the first one decides for all.
        // A list vector is never a dictionary's indices; its items may be.
        width = lists == null || dictionary(lists.items()) ? 0 : intWidth(lists.items());
      }
      if (width == 0) {
        for (int k = from; k < to; k++) {
          Row row = batch.row(local[k]);
          int[] ids = row.isNull(column) ? new int[0] : row.getIntArray(column);
          starts[slots[k]] = staging.reserve(ids.length);
          lengths[slots[k]] = ids.length;
          System.arraycopy(ids, 0, staging.ids, starts[slots[k]], ids.length);
        }
        return;
      }
      boolean nulls = batch.mayHoldNulls(position);
      ArrowBuf data = lists.items().getDataBuffer();
      for (int k = from; k < to; k++) {
        int i = local[k];
        int length = length(lists, v, i, nulls, column, g.row(slots[k]));
        if (length < 0) {
          continue;
        }
        long start = lists.start(i);
        int at = staging.reserve(length);
        starts[slots[k]] = at;
        lengths[slots[k]] = length;
        int[] into = staging.ids;
        if (width == 4) {
          Memory.copy(data, start * 4, into, at, length, 4);
        } else if (width == 2) {
          for (int j = 0; j < length; j++) {
            into[at + j] = data.getShort((start + j) * 2);
          }
        } else {
          for (int j = 0; j < length; j++) {
            into[at + j] = data.getByte(start + j);
          }
        }
      }
    }

    @Override
    Padded finish() {
      int n = lengths.length;
      int width = 0;
      for (int length : lengths) {
        width = Math.max(width, Math.min(maxLength, length));
      }
      int[] values = new int[n * width];
      int[] mask = new int[values.length];
      for (int r = 0; r < n; r++) {
        int m = Math.min(width, lengths[r]);
        lengths[r] = m;
        System.arraycopy(staging.ids, starts[r], values, r * width, m);
        if (pad != 0) {
          Arrays.fill(values, r * width + m, (r + 1) * width, pad);
        }
        Arrays.fill(mask, r * width, r * width + m, 1);
      }
      if (staging.ids.length <= KEEP_STAGED) {
        STAGED.set(staging.ids);
      }
      return new Padded(values, mask, lengths, n, width);
    }
  }

  /** Returns multi-hot targets of the integer lists of {@code column} over {@code classes}. */
  static Collator<float[][]> multiHot(Gather g, String column, int classes) {
    float[][] out = new float[g.size()][classes];
    int position = g.position(column);
    return new Collator<>() {
      @Override
      public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
        FieldVector v = unwrap(batch.vector(position));
        Lists lists = Lists.of(v);
        if (lists == null
            || dictionary(lists.items())
            || !(lists.items() instanceof BaseIntVector ints)
            || intWidth(lists.items()) == 0 && !(lists.items() instanceof BigIntVector)) {
          for (int k = from; k < to; k++) {
            Row row = batch.row(local[k]);
            if (!row.isNull(column)) {
              for (long label : row.getLongArray(column)) {
                hot(out[slots[k]], label, column, row.index());
              }
            }
          }
          return;
        }
        boolean nulls = batch.mayHoldNulls(position);
        for (int k = from; k < to; k++) {
          int i = local[k];
          int length = length(lists, v, i, nulls, column, g.row(slots[k]));
          long start = lists.start(i);
          for (int j = 0; j < length; j++) {
            hot(out[slots[k]], ints.getValueAsLong((int) start + j), column, g.row(slots[k]));
          }
        }
      }

      @Override
      float[][] finish() {
        return out;
      }
    };
  }

  /** Returns the integers of {@code column}, one per row. */
  static Collator<long[]> longs(Gather g, String column) {
    long[] out = new long[g.size()];
    return new Scalars<>(
        g,
        column,
        out,
        v -> v instanceof BaseIntVector,
        (v, i, slot) -> out[slot] = ((BaseIntVector) v).getValueAsLong(i),
        (row, slot) -> out[slot] = row.getLong(column));
  }

  /** Returns the numbers of {@code column} as doubles, one per row. */
  static Collator<double[]> doubles(Gather g, String column) {
    double[] out = new double[g.size()];
    return new Scalars<>(
        g,
        column,
        out,
        v -> v instanceof FloatingPointVector || v instanceof BaseIntVector,
        (v, i, slot) ->
            out[slot] =
                v instanceof FloatingPointVector f
                    ? f.getValueAsDouble(i)
                    : ((BaseIntVector) v).getValueAsLong(i),
        (row, slot) -> out[slot] = row.getDouble(column));
  }

  /** Copies the value at {@code i} of {@code v} into output slot {@code slot}. */
  @FunctionalInterface
  private interface BulkRead {
    void read(FieldVector v, int i, int slot);
  }

  /** Copies the value of {@code row} into output slot {@code slot}, as a {@link Row} reads it. */
  @FunctionalInterface
  private interface RowRead {
    void read(Row row, int slot);
  }

  /**
   * Reads one scalar per row: from the vector where {@code bulk} accepts it, else through the row
   * reader. A null fails only once every row was read, so that a column of the wrong type fails as
   * such whichever rows come first.
   */
  private static final class Scalars<T> extends Collator<T> {
    private final Gather g;
    private final String column;
    private final T out;
    private final Predicate<FieldVector> bulk;
    private final BulkRead bulkRead;
    private final RowRead rowRead;
    private final int position;
    private Boolean direct;
    private NullPointerException nullSeen;

    Scalars(
        Gather g,
        String column,
        T out,
        Predicate<FieldVector> bulk,
        BulkRead bulkRead,
        RowRead rowRead) {
      this.g = g;
      this.column = column;
      this.out = out;
      this.bulk = bulk;
      this.bulkRead = bulkRead;
      this.rowRead = rowRead;
      this.position = g.position(column);
    }

    @Override
    public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
      FieldVector v = batch.vector(position);
      if (direct == null) {
        // Every record batch of a split has its schema: the first one decides for all.
        direct = bulk.test(v) && !dictionary(v);
      }
      boolean nulls = batch.mayHoldNulls(position);
      for (int k = from; k < to; k++) {
        int i = local[k];
        if (!direct) {
          try {
            rowRead.read(batch.row(i), slots[k]);
          } catch (NullPointerException e) {
            nullSeen = e;
          }
        } else if (nulls && v.isNull(i)) {
          nullSeen = nullValue(column, g.row(slots[k]));
        } else {
          bulkRead.read(v, i, slots[k]);
        }
      }
    }

    @Override
    T finish() {
      if (nullSeen != null) {
        throw nullSeen;
      }
      return out;
    }
  }

  /** Returns the strings of {@code column}, one per row, null for a null. */
  static Collator<List<String>> strings(Gather g, String column) {
    String[] out = new String[g.size()];
    int position = g.position(column);
    return new Collator<>() {
      @Override
      public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
        FieldVector v = batch.vector(position);
        boolean utf8 =
            v instanceof VarCharVector
                || v instanceof LargeVarCharVector
                || v instanceof ViewVarCharVector;
        for (int k = from; k < to; k++) {
          int i = local[k];
          if (!utf8 || dictionary(v)) {
            out[slots[k]] = batch.row(i).getString(column);
          } else if (!v.isNull(i)) {
            out[slots[k]] = new String(utf8Bytes(v, i), StandardCharsets.UTF_8);
          }
        }
      }

      @Override
      List<String> finish() {
        return Collections.unmodifiableList(new ArrayList<>(Arrays.asList(out)));
      }
    };
  }

  /** Returns the vector an extension type (an HF ArrayND, for instance) stores its values in. */
  static FieldVector unwrap(FieldVector v) {
    return v instanceof ExtensionTypeVector<?> ext ? ext.getUnderlyingVector() : v;
  }

  /**
   * Returns whether {@code v} holds a dictionary's indices. Only integer vectors can, which spares
   * the other kinds {@code getField()}: a list vector rebuilds its field on every call.
   */
  static boolean dictionary(FieldVector v) {
    return v instanceof BaseIntVector && v.getField().getDictionary() != null;
  }

  /**
   * Returns the number of items of list {@code i} of {@code v}, or -1 if it is null; when the batch
   * may hold {@code nulls}, checks that its items hold none.
   */
  private static int length(
      Lists lists, FieldVector v, int i, boolean nulls, String column, long row) {
    if (nulls && v.isNull(i)) {
      return -1;
    }
    long start = lists.start(i);
    int length = Math.toIntExact(lists.end(i) - start);
    if (nulls) {
      requireNoNullItems(lists.items(), start, length, column, row);
    }
    return length;
  }

  static void requireNoNullItems(
      FieldVector items, long start, int length, String column, long row) {
    for (int j = 0; j < length; j++) {
      if (items.isNull(Math.toIntExact(start + j))) {
        throw new IllegalStateException(
            "column '" + column + "' of row " + row + " holds null items; read it with getList");
      }
    }
  }

  static NullPointerException nullValue(String column, long row) {
    return new NullPointerException("column '" + column + "' of row " + row + " is null");
  }

  /** Returns the byte width of int8, int16 and int32 items, or 0 for any other type. */
  private static int intWidth(FieldVector items) {
    if (items instanceof IntVector) {
      return 4;
    } else if (items instanceof SmallIntVector) {
      return 2;
    }
    return items instanceof TinyIntVector ? 1 : 0;
  }

  /** The ids of a batch's rows, staged back to back before the longest length is known. */
  private static final class Staging {
    int[] ids;
    int used;

    Staging(int[] ids) {
      this.ids = ids;
    }

    /** Reserves {@code length} ids, growing the array if needed; returns the first's position. */
    int reserve(int length) {
      int at = used;
      used = Math.addExact(used, length);
      if (used > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(used, 2 * ids.length));
      }
      return at;
    }
  }

  private static void hot(float[] row, long label, String column, long index) {
    if (label < 0 || label >= row.length) {
      throw new IllegalStateException(
          "row "
              + index
              + " of column '"
              + column
              + "' holds label "
              + label
              + ", outside 0.."
              + (row.length - 1));
    }
    row[(int) label] = 1f;
  }

  private static byte[] utf8Bytes(FieldVector v, int i) {
    if (v instanceof BaseVariableWidthVector var) {
      return var.get(i);
    } else if (v instanceof BaseLargeVariableWidthVector large) {
      return large.get(i);
    }
    return ((ViewVarCharVector) v).get(i);
  }
}
