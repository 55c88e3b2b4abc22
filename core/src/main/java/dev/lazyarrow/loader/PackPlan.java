package dev.lazyarrow.loader;

import java.util.Arrays;

/**
 * One epoch's packed samples: which pieces of which documents each sample holds, worked out from
 * the documents' lengths alone, never their tokens.
 *
 * <p>A document of {@code n} list items has {@code n} tokens, or {@code n + 1} with an
 * end-of-document token, which is then its token {@code n}. A piece is a range {@code [from, to)}
 * of one document's tokens.
 */
abstract class PackPlan {
  /** The tokens a sample holds: {@code seqLen + 1}, the inputs and the one the labels add. */
  final int width;

  PackPlan(int seqLen) {
    this.width = seqLen + 1;
  }

  /** Returns the epoch's samples. */
  abstract long samples();

  /** Appends the pieces of sample {@code sample} to {@code out}, in the order of its tokens. */
  abstract void pieces(long sample, Pieces out);

  /** Returns the share of the samples' token slots that hold document tokens, not padding. */
  abstract double fillRate();

  /**
   * Returns the tokens of the document in {@code row} of {@code lengths}, with {@code extra} (0 or
   * 1) end-of-document tokens.
   *
   * @throws IllegalArgumentException if they pass the 2^31 - 1 tokens a document may hold
   */
  static int tokens(int[] lengths, long row, int extra, String column) {
    int length = lengths[(int) row];
    if (length > Integer.MAX_VALUE - extra) {
      throw new IllegalArgumentException(
          "row "
              + row
              + " of column '"
              + column
              + "' holds "
              + length
              + " tokens: with its end-of-document token that is more than the 2^31 - 1 a"
              + " document may hold");
    }
    return length + extra;
  }

  /**
   * The pieces of a batch's samples, back to back, in arrays reused from batch to batch: piece
   * {@code k} is tokens {@code [from[k], to[k])} of the document in run row {@code rows[k]}.
   */
  static final class Pieces {
    int count;
    long[] rows = new long[64];
    int[] from = new int[64];
    int[] to = new int[64];

    void clear() {
      count = 0;
    }

    void add(long row, int from, int to) {
      if (count == rows.length) {
        int grown = 2 * count;
        rows = Arrays.copyOf(rows, grown);
        this.from = Arrays.copyOf(this.from, grown);
        this.to = Arrays.copyOf(this.to, grown);
      }
      rows[count] = row;
      this.from[count] = from;
      this.to[count] = to;
      count++;
    }
  }
}
