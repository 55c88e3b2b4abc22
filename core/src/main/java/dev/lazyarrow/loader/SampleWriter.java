package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.internal.bytes.Memory;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Writes packed samples into a {@link PackedBatch}: their pieces; the position ids, segment ids,
 * loss mask and boundaries worked out from the pieces alone; and, when asked, their tokens, copied
 * straight from the record batches' list items.
 */
final class SampleWriter {
  private final Sources tokens;
  private final int[] lengths;
  private final LoaderState.Packing packing;
  private final boolean bins;

  /**
   * Writes samples of {@code packing} over {@code tokens}, sources that read the token column
   * alone, whose run rows' lists hold {@code lengths} items.
   */
  SampleWriter(Sources tokens, int[] lengths, LoaderState.Packing packing) {
    this.tokens = tokens;
    this.lengths = lengths;
    this.packing = packing;
    this.bins = !packing.mode().equals("concat");
  }

  /** Fills {@code out} with {@code samples} of {@code plan}: global batch {@code step}. */
  void write(PackPlan plan, long[] samples, int epoch, long step, boolean read, PackedBatch out) {
    int n = samples.length;
    PackPlan.Pieces pieces = out.pieces;
    pieces.clear();
    for (int i = 0; i < n; i++) {
      out.samples[i] = samples[i];
      out.samplePieces[i] = pieces.count;
      plan.pieces(samples[i], pieces);
    }
    out.samplePieces[n] = pieces.count;
    out.size = n;
    out.epoch = epoch;
    out.step = step;
    out.ensurePieces(pieces.count);
    int width = out.seqLen + 1;
    for (int i = 0; i < n; i++) {
      int at = i * width;
      for (int k = out.samplePieces[i]; k < out.samplePieces[i + 1]; k++) {
        out.pieceAt[k] = at;
        at += pieces.to[k] - pieces.from[k];
      }
      out.sampleUsed[i] = at - i * width;
    }
    int boundaries = 0;
    for (int i = 0; i < n; i++) {
      out.sampleCu[i] = boundaries;
      boundaries = layout(out, i, boundaries);
    }
    out.sampleCu[n] = boundaries;
    out.cuSeqlens.put(boundaries, n * out.seqLen);
    out.hasTokens = read;
    if (read) {
      copyTokens(out);
    }
  }

  /** Writes sample {@code i}'s ids, mask and boundaries; returns the boundaries written so far. */
  private int layout(PackedBatch out, int i, int boundaries) {
    PackPlan.Pieces pieces = out.pieces;
    int seqLen = out.seqLen;
    int base = i * seqLen;
    int sampleStart = i * (seqLen + 1);
    int first = out.samplePieces[i];
    int end = out.samplePieces[i + 1];
    int used = out.sampleUsed[i];
    IntBuffer loss = out.lossMask;
    for (int k = first; k < end; k++) {
      int a = out.pieceAt[k] - sampleStart;
      int b = a + pieces.to[k] - pieces.from[k];
      if (a < seqLen) {
        out.cuSeqlens.put(boundaries++, base + a);
      }
      int segment = k - first + 1;
      for (int t = a; t < Math.min(b, seqLen); t++) {
        out.positionIds.put(base + t, t - a);
        out.segmentIds.put(base + t, segment);
        loss.put(base + t, t + 1 < used ? 1 : 0);
      }
      if (bins && k + 1 < end && b - 1 < seqLen) {
        // The next token is another document's: nothing to learn from it.
        loss.put(base + b - 1, 0);
      }
      long row = pieces.rows[k];
      if (packing.eodMaskLoss() && pieces.to[k] > lengths[(int) row]) {
        int eod = a + lengths[(int) row] - pieces.from[k];
        if (eod < seqLen) {
          loss.put(base + eod, 0);
        }
      }
    }
    if (used < seqLen) {
      out.cuSeqlens.put(boundaries++, base + used);
      for (int t = used; t < seqLen; t++) {
        out.positionIds.put(base + t, 0);
        out.segmentIds.put(base + t, 0);
        loss.put(base + t, 0);
      }
    }
    return boundaries;
  }

  /** Copies every piece's list items to its place in {@code out}'s tokens, then its EOD token. */
  private void copyTokens(PackedBatch out) {
    PackPlan.Pieces pieces = out.pieces;
    IntBuffer into = out.tokens;
    int width = out.seqLen + 1;
    for (int i = 0; i < out.size; i++) {
      for (int t = i * width + out.sampleUsed[i]; t < (i + 1) * width; t++) {
        into.put(t, 0);
      }
    }
    String column = packing.tokenColumn();
    Gather gather = tokens.gather(Arrays.copyOf(pieces.rows, pieces.count));
    gather.walk(
        (Batch batch, int[] local, int[] slots, int from, int to) -> {
          FieldVector vector = Collation.unwrap(batch.vector(0));
          Lists lists = Lists.of(vector);
          FieldVector items = lists.items();
          boolean nulls = batch.mayHoldNulls(0);
          ArrowType.Int type = (ArrowType.Int) items.getField().getType();
          for (int s = from; s < to; s++) {
            int k = slots[s];
            int i = local[s];
            long row = pieces.rows[k];
            int length = lengths[(int) row];
            boolean isNull = nulls && vector.isNull(i);
            long found = isNull ? 0 : lists.end(i) - lists.start(i);
            if (found != length) {
              throw new IllegalStateException(
                  "row "
                      + row
                      + " of column '"
                      + column
                      + "' holds "
                      + found
                      + " tokens, but held "
                      + length
                      + " when the epoch was packed");
            }
            int last = Math.min(pieces.to[k], length);
            int count = last - pieces.from[k];
            if (count > 0) {
              long start = lists.start(i) + pieces.from[k];
              if (nulls) {
                Collation.requireNoNullItems(items, start, count, column, row);
              }
              copy(items.getDataBuffer(), type, start, count, into, out.pieceAt[k], column, row);
            }
            if (pieces.to[k] > length) {
              into.put(out.pieceAt[k] + Math.max(0, count), (int) packing.eod());
            }
          }
        });
  }

  /** Copies {@code count} token ids from item {@code start} on, checked to be ints. */
  private static void copy(
      ArrowBuf data,
      ArrowType.Int type,
      long start,
      int count,
      IntBuffer into,
      int at,
      String column,
      long row) {
    int width = type.getBitWidth() / 8;
    boolean signed = type.getIsSigned();
    if (width == 4 && signed) {
      Memory.copy(data, start * 4, into, at, count);
      return;
    }
    for (int j = 0; j < count; j++) {
      long item = start + j;
      long value =
          switch (width) {
            case 1 -> signed ? data.getByte(item) : data.getByte(item) & 0xff;
            case 2 -> signed ? data.getShort(2 * item) : data.getShort(2 * item) & 0xffff;
            case 4 -> data.getInt(4 * item) & 0xffffffffL;
            default -> data.getLong(8 * item);
          };
      if (value != (int) value || (!signed && value < 0)) {
        throw new IllegalArgumentException(
            "row "
                + row
                + " of column '"
                + column
                + "' holds token "
                + (signed ? Long.toString(value) : Long.toUnsignedString(value))
                + ", outside the int range of a packed sample");
      }
      into.put(at + j, (int) value);
    }
  }
}
