package dev.lazyarrow.loader;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * A list vector of any kind (list, large list, fixed-size list) seen as the item ranges of its
 * rows: row {@code i} holds items {@code [start(i), end(i))} of {@link #items}.
 *
 * @param items the vector of every row's items, back to back
 * @param offsets the offsets buffer (int32 for a list, int64 for a large list); null if fixed
 * @param offsetWidth 4 or 8; 0 for a fixed-size list
 * @param fixed the length of every row of a fixed-size list
 */
record Lists(FieldVector items, ArrowBuf offsets, int offsetWidth, int fixed) {
  /** Returns the ranges of {@code v}, or null if it is not a list vector. */
  static Lists of(FieldVector v) {
    if (v instanceof ListVector list) {
      return new Lists(list.getDataVector(), list.getOffsetBuffer(), 4, 0);
    } else if (v instanceof LargeListVector list) {
      return new Lists(list.getDataVector(), list.getOffsetBuffer(), 8, 0);
    } else if (v instanceof FixedSizeListVector list) {
      return new Lists(list.getDataVector(), null, 0, list.getListSize());
    }
    return null;
  }

  /** Returns the first item of row {@code i}. */
  long start(long i) {
    return offsetWidth == 4
        ? offsets.getInt(4 * i)
        : offsetWidth == 8 ? offsets.getLong(8 * i) : i * fixed;
  }

  /** Returns the item after the last of row {@code i}. */
  long end(long i) {
    return start(i + 1);
  }
}
