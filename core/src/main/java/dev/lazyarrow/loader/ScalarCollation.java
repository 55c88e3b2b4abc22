package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ViewVarCharVector;

/**
 * The collations of one value per row: integers, doubles and strings, read from the vectors where
 * their type allows, else through the row reader; see {@link Collation}.
 */
final class ScalarCollation {
  private ScalarCollation() {}

  /** Returns the integers of {@code column}, one per row. */
  static Collation.Collator<long[]> longs(Gather g, String column) {
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
  static Collation.Collator<double[]> doubles(Gather g, String column) {
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
  private static final class Scalars<T> extends Collation.Collator<T> {
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
        direct = bulk.test(v) && !Collation.dictionary(v);
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
  static Collation.Collator<List<String>> strings(Gather g, String column) {
    String[] out = new String[g.size()];
    int position = g.position(column);
    return new Collation.Collator<>() {
      @Override
      public void visit(Batch batch, int[] local, int[] slots, int from, int to) {
        FieldVector v = batch.vector(position);
        boolean utf8 =
            v instanceof VarCharVector
                || v instanceof LargeVarCharVector
                || v instanceof ViewVarCharVector;
        for (int k = from; k < to; k++) {
          int i = local[k];
          if (!utf8 || Collation.dictionary(v)) {
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

  private static NullPointerException nullValue(String column, long row) {
    return new NullPointerException("column '" + column + "' of row " + row + " is null");
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
