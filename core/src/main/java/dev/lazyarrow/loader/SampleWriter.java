package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.internal.bytes.Memory;
import java.nio.IntBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Writes packed samples into a {@link PackedBatch}: their pieces and boundaries; when the batch is
 * first asked for them, the position ids, segment ids and loss mask, worked out from the pieces
 * alone; and, when the loader reads tokens, the tokens, copied straight from the record batches'
 * list items.
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
      boundaries = boundaries(out, i, boundaries);
    }
    out.sampleCu[n] = boundaries;
    out.cuSeqlens.put(boundaries, n * out.seqLen);
    out.written(this);
    out.hasTokens = read;
    if (read) {
      copyTokens(out);
    }
  }

  /** Writes sample {@code i}'s boundaries; returns the boundaries written so far. */
  private static int boundaries(PackedBatch out, int i, int boundaries) {
    int seqLen = out.seqLen;
    int base = i * seqLen;
    int sampleStart = i * (seqLen + 1);
    for (int k = out.samplePieces[i]; k < out.samplePieces[i + 1]; k++) {
      int a = out.pieceAt[k] - sampleStart;
      if (a < seqLen) {
        out.cuSeqlens.put(boundaries++, base + a);
      }
    }
    if (out.sampleUsed[i] < seqLen) {
      out.cuSeqlens.put(boundaries++, base + out.sampleUsed[i]);
    }
    return boundaries;
  }

  /** Writes the position ids, segment ids and loss mask of {@code out}'s samples. */
  void ids(PackedBatch out) {
    for (int i = 0; i < out.size; i++) {
      ids(out, i);
    }
  }

  /** Writes sample {@code i}'s ids and mask, a fill per piece. */
  private void ids(PackedBatch out, int i) {
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
        int n = Math.min(b, seqLen) - a;
        Ints.ramp(out.positionIds, base + a, n);
        Ints.fill(out.segmentIds, base + a, n, k - first + 1);
        Ints.fill(loss, base + a, n, 1);
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
    if (used <= seqLen && used > 0) {
      // The last token's label would be padding.
      loss.put(base + used - 1, 0);
    }
    if (used < seqLen) {
      Ints.fill(out.positionIds, base + used, seqLen - used, 0);
      Ints.fill(out.segmentIds, base + used, seqLen - used, 0);
      Ints.fill(loss, base + used, seqLen - used, 0);
    }
  }

  /**
   * Copies every piece's list items to its place in {@code out}'s tokens, then its EOD token: from
   * the record batches {@code out} holds, and the rest through one walk over their batches, whose
   * whole cached ones it holds from then on.
   */
  private void copyTokens(PackedBatch out) {
    PackPlan.Pieces pieces = out.pieces;
    int width = out.seqLen + 1;
    for (int i = 0; i < out.size; i++) {
      Ints.fill(out.tokens, i * width + out.sampleUsed[i], width - out.sampleUsed[i], 0);
    }
    HeldBatches held = out.held;
    held.sweep();
    int missing = 0;
    for (int k = 0; k < pieces.count; k++) {
      TokenBatch t = held.get(pieces.rows[k]);
      if (t != null) {
        copyPiece(t, held.index(), k, out);
      } else {
        out.missing = PackedBatch.ensure(out.missing, missing + 1);
        out.missing[missing++] = k;
      }
    }
    if (missing == 0) {
      return;
    }
    int[] which = out.missing;
    long[] rows = new long[missing];
    for (int m = 0; m < missing; m++) {
      rows[m] = pieces.rows[which[m]];
    }
    tokens
        .gather(rows)
        .walk(
            (Batch batch, int[] local, int[] slots, int from, int to) -> {
              TokenBatch t = new TokenBatch(batch);
              for (int s = from; s < to; s++) {
                copyPiece(t, local[s], which[slots[s]], out);
              }
              if (batch.isCached()) {
                held.hold(rows[slots[from]]);
              }
            });
  }

  /**
   * Copies piece {@code k}'s tokens from row {@code i} of {@code t}, checked against its length.
   */
  private void copyPiece(TokenBatch t, int i, int k, PackedBatch out) {
    PackPlan.Pieces pieces = out.pieces;
    long row = pieces.rows[k];
    int length = lengths[(int) row];
    boolean isNull = t.nulls && t.vector.isNull(i);
    long start = isNull ? 0 : t.start(i);
    long found = isNull ? 0 : t.start(i + 1) - start;
    String column = packing.tokenColumn();
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
      long first = start + pieces.from[k];
      if (t.nulls) {
        Collation.requireNoNullItems(t.items, first, count, column, row);
      }
      if (t.type.getBitWidth() == 32 && t.type.getIsSigned()) {
        Memory.copyInts(t.dataAddress, t.dataBytes, 4 * first, out.tokens, out.pieceAt[k], count);
      } else {
        copy(t.data, t.type, first, count, out.tokens, out.pieceAt[k], column, row);
      }
    }
    if (pieces.to[k] > length) {
      out.tokens.put(out.pieceAt[k] + Math.max(0, count), (int) packing.eod());
    }
  }

  /**
   * Copies {@code count} token ids other than int32 from item {@code start} on, checked to be ints.
   */
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
