package dev.lazyarrow.loader;

import dev.lazyarrow.Row;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;

/**
 * What every collation of a training batch's column shares: the {@link Collator} that one walk of
 * the leased record batches feeds, and the checks of the vectors it reads. The collations read the
 * record batches straight, with no {@link Row} and no array per row: {@link ListCollation} the
 * integer list columns, {@link ScalarCollation} the columns of one value per row, {@link Tensors}
 * the fixed-shape arrays.
 *
 * <p>The values are those of {@link TrainingBatch#rows()}. Dictionary-encoded columns, and value
 * types without a bulk path, are read through the batch's row reader, one value at a time.
 */
final class Collation {
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
   * Fails if one of the {@code length} items from {@code start} is null: the bulk paths read items
   * as plain numbers, where a null would pass for a value.
   */
  static void requireNoNullItems(
      FieldVector items, long start, int length, String column, long row) {
    for (int j = 0; j < length; j++) {
      if (items.isNull(Math.toIntExact(start + j))) {
        throw new IllegalStateException(
            "column '" + column + "' of row " + row + " holds null items; read it with getList");
      }
    }
  }
}
