package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Row;
import dev.lazyarrow.internal.bytes.Memory;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;

/**
 * The collations of integer list columns: token ids padded into one row-major matrix, and labels
 * set in multi-hot targets. List offsets and value buffers are copied in bulk, straight from the
 * leased record batches; see {@link Collation}.
 */
final class ListCollation {
  /** The staging array a thread keeps between batches, up to this many ids (16 MiB). */
  private static final int KEEP_STAGED = 1 << 22;

  private static final ThreadLocal<int[]> STAGED = ThreadLocal.withInitial(() -> new int[1 << 16]);

  private ListCollation() {}

  /** Pads the integer lists of {@code column}, truncated to {@code maxLength}, with {@code pad}. */
  static Collation.Collator<Padded> tokens(Gather g, String column, int maxLength, int pad) {
    return new Tokens(g, column, maxLength, pad);
  }

  private static final class Tokens extends Collation.Collator<Padded> {
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
      FieldVector v = Collation.unwrap(batch.vector(position));
      Lists lists = Lists.of(v);
      if (width < 0) {
        // Every record batch of a split has its schema: the first one decides for all.
        // A list vector is never a dictionary's indices; its items may be.
        width = lists == null || Collation.dictionary(lists.items()) ? 0 : intWidth(lists.items());
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
  static Collation.Collator<float[][]> multiHot(Gather g, String column, int classes) {
    float[][] out = new float[g.size()][classes];
    int position = g.position(column);
    return new Collation.Collator<>() {
      @Override
      public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
        FieldVector v = Collation.unwrap(batch.vector(position));
        Lists lists = Lists.of(v);
        if (lists == null
            || Collation.dictionary(lists.items())
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
      Collation.requireNoNullItems(lists.items(), start, length, column, row);
    }
    return length;
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
}
