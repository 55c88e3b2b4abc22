package dev.lazyarrow.loader;

import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One batch of a training loop: its rows and their collation into training-ready arrays.
 *
 * <p>{@link #tokens} pads a token column into a matrix with an attention mask, {@link #multiHot}
 * turns a list-of-ClassLabel column into multi-label targets, {@link #tensor} stacks a fixed-shape
 * column (a fixed-size list, an ArrayND) into one array, and {@link #longs}, {@link #doubles} and
 * {@link #strings} gather scalar columns. Each reads the column straight from the record batches
 * that hold the rows, holding each one only while it copies from it; no {@link Row} is made. A null
 * list counts as an empty one; a null scalar, or a null item in a list, fails as it does in a
 * {@code Row}. {@link #rows()} reads whole rows, and only when called.
 *
 * <p>The batches of a loader told its columns (a loader of a {@link Split#select projected split},
 * or built with {@link LoaderBuilder#columns}) that prefetches ({@link LoaderBuilder#prefetch})
 * arrive collated: on the loader's threads, each column gets the collation its type calls for,
 * {@code tokens(column)} for a list of int8..int32, {@code multiHot(column)} for a list of
 * ClassLabel, {@code tensor(column)} for a fixed-size list or ArrayND, {@code longs(column)} for
 * integers, {@code doubles(column)} for floating point and {@code strings(column)} for strings.
 * Those calls are then free and return the prepared arrays, the same ones on every call; any other
 * call reads the record batches when made. Without prefetch, a batch of a projected split makes
 * them all at the first of those calls, in one walk over its record batches, on the caller's
 * thread. A loader not told its columns prepares nothing but the rows, which a prefetching loader
 * over every column reads ahead.
 */
public final class TrainingBatch {
  private final int epoch;
  private final long step;
  private final long[] indices;

  /** Each row's source in a mixture, or null for a batch of one split. */
  private final int[] sources;

  /** The split each source reads; the first one's columns stand for all (a mixture checks it). */
  private final Split[] splits;

  private final Split split;
  private final Map<String, Object> prepared = new ConcurrentHashMap<>();
  private volatile List<Row> rows;
  private volatile Gather gather;
  private volatile boolean preparedAll;

  TrainingBatch(int epoch, long step, long[] indices, Split split) {
    this(epoch, step, null, indices, new Split[] {split});
  }

  /** Makes a batch of a mixture: row {@code indices[i]} of split {@code splits[sources[i]]}. */
  TrainingBatch(int epoch, long step, int[] sources, long[] indices, Split[] splits) {
    this.epoch = epoch;
    this.step = step;
    this.indices = indices;
    this.sources = sources;
    this.splits = splits;
    this.split = splits[0];
  }

  /**
   * Returns the rows {@code rows} of {@code split}, in that order, as one training batch outside
   * any loader (epoch and step 0), ready to collate straight from the record batches ({@link
   * #tokens}, {@link #tensor}, ...): what a data pipeline's own sampler or batchifier calls. Reads
   * nothing until a collation is asked for.
   *
   * @throws IndexOutOfBoundsException if a row is not in {@code [0, split.size())}
   */
  public static TrainingBatch collate(Split split, long... rows) {
    Objects.requireNonNull(split, "split");
    TrainingBatch batch = new TrainingBatch(0, 0, rows.clone(), split);
    batch.gather();
    return batch;
  }

  /** Returns the epoch this batch belongs to. */
  public int epoch() {
    return epoch;
  }

  /** Returns this batch's global batch number within its epoch (shared by all ranks). */
  public long step() {
    return step;
  }

  /** Returns the split indices of the rows, in batch order: in a mixture, each in its source. */
  public long[] indices() {
    return indices.clone();
  }

  /**
   * Returns which source each row came from, in batch order: its position in the {@link Mixture},
   * or 0 for every row of a loader over one split.
   */
  public int[] sources() {
    return sources == null ? new int[indices.length] : sources.clone();
  }

  /** Returns the rows, in batch order, reading them if no one has yet. */
  public List<Row> rows() {
    List<Row> r = rows;
    if (r == null) {
      r = sources == null ? split.take(indices) : takeFromSources();
      rows = r;
    }
    return r;
  }

  private List<Row> takeFromSources() {
    Row[] out = new Row[indices.length];
    for (int d = 0; d < splits.length; d++) {
      int source = d;
      int[] slots =
          java.util.stream.IntStream.range(0, indices.length)
              .filter(i -> sources[i] == source)
              .toArray();
      if (slots.length == 0) {
        continue;
      }
      long[] mine = new long[slots.length];
      for (int i = 0; i < slots.length; i++) {
        mine[i] = indices[slots[i]];
      }
      List<Row> taken = splits[d].take(mine);
      for (int i = 0; i < slots.length; i++) {
        out[slots[i]] = taken.get(i);
      }
    }
    return List.of(out);
  }

  /** Returns the number of rows. */
  public int size() {
    return indices.length;
  }

  /**
   * Pads the integer list column {@code column} (int8, int16 or int32 items) to the batch's longest
   * row, with 0.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column is not a list of int8, int16 or int32
   */
  public Padded tokens(String column) {
    return (Padded) prepared("tokens", column);
  }

  /**
   * Pads the integer list column {@code column} to the batch's longest row, truncating rows to
   * {@code maxLength} and padding with {@code padValue}.
   *
   * @throws IllegalArgumentException if {@code maxLength} is not positive, or there is no such
   *     column
   * @throws IllegalStateException if the column is not a list of int8, int16 or int32
   */
  public Padded tokens(String column, int maxLength, int padValue) {
    if (maxLength <= 0) {
      throw new IllegalArgumentException("max length must be positive: " + maxLength);
    }
    Gather g = gather(column);
    return ListCollation.tokens(g, column, maxLength, padValue).run(g);
  }

  /**
   * Returns multi-hot targets of the list-of-ClassLabel column {@code column}: one row per batch
   * row, one entry per class, 1 where the row carries that label.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column is not a list of ClassLabel
   */
  public float[][] multiHot(String column) {
    return (float[][]) prepared("multiHot", column);
  }

  /**
   * Returns a fixed-shape column (a fixed-size list, an {@code Array2D..5D}) as one row-major array
   * of the batch's rows and its shape, {@code {rows, dimensions...}}.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column is not a fixed-shape array of numbers, its rows
   *     differ in shape or hold nulls, or the batch is empty
   */
  public Tensor tensor(String column) {
    return (Tensor) prepared("tensor", column);
  }

  /**
   * Returns an integer column's values, one per row.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column does not hold integers
   */
  public long[] longs(String column) {
    return (long[]) prepared("longs", column);
  }

  /**
   * Returns a numeric column's values as doubles, one per row.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column does not hold numbers
   */
  public double[] doubles(String column) {
    return (double[]) prepared("doubles", column);
  }

  /**
   * Returns a string column's values, one per row, null where the row holds null.
   *
   * @throws IllegalArgumentException if there is no such column
   * @throws IllegalStateException if the column does not hold strings
   */
  @SuppressWarnings("unchecked")
  public List<String> strings(String column) {
    return (List<String>) prepared("strings", column);
  }

  /**
   * Collates each of {@code columns} the way its type calls for (see the class comment), ahead of
   * the trainer, in one walk over the record batches that hold the rows. A column whose values do
   * not allow it (a null scalar, for instance) is left for the call to fail on the trainer's
   * thread.
   *
   * @throws LazyArrowException if a shard is missing or corrupt
   */
  void prepare(List<String> columns) {
    Gather g = gather();
    Map<String, Collation.Collator<?>> collators = new LinkedHashMap<>();
    for (String column : columns) {
      String kind = kind(column);
      if (!kind.isEmpty() && !prepared.containsKey(kind + ':' + column)) {
        try {
          collators.put(kind + ':' + column, collator(kind, column, g));
        } catch (IllegalStateException e) {
          // Left for the trainer's call, as below.
        }
      }
    }
    if (collators.isEmpty()) {
      return;
    }
    g.walk(
        (batch, local, slots, from, to) -> {
          Iterator<Collation.Collator<?>> each = collators.values().iterator();
          while (each.hasNext()) {
            try {
              each.next().visit(batch, local, slots, from, to);
            } catch (IllegalStateException | NullPointerException | ArithmeticException e) {
              // The trainer may never ask for this collation; if it does, it fails there.
              each.remove();
            }
          }
        });
    collators.forEach(
        (key, collator) -> {
          try {
            prepared.put(key, collator.finish());
          } catch (IllegalStateException | NullPointerException | ArithmeticException e) {
            // As above: the trainer's call fails with it.
          }
        });
  }

  private Collation.Collator<?> collator(String kind, String column, Gather g) {
    return switch (kind) {
      case "tokens" -> ListCollation.tokens(g, column, Integer.MAX_VALUE, 0);
      case "multiHot" -> ListCollation.multiHot(g, column, classes(column));
      case "tensor" -> Tensors.tensor(g, column);
      case "longs" -> ScalarCollation.longs(g, column);
      case "doubles" -> ScalarCollation.doubles(g, column);
      case "strings" -> ScalarCollation.strings(g, column);
      default -> throw new IllegalArgumentException("no collation named " + kind);
    };
  }

  /** Returns the number of classes of a list-of-ClassLabel column. */
  private int classes(String column) {
    Feature feature = split.features().get(column);
    Feature item = feature == null ? null : feature.element();
    if (item == null || item.kind() != Feature.Kind.CLASS_LABEL) {
      throw new IllegalStateException("column '" + column + "' is not a list of ClassLabel");
    }
    return item.names().size();
  }

  /** Returns the collation {@code column}'s type calls for, or "" for none. */
  private String kind(String column) {
    return kind(split.schema().findField(column), split.features().get(column));
  }

  /** Returns the collation a column's type calls for, or "" for none. */
  private static String kind(Field field, Feature feature) {
    ArrowType type = field.getType();
    if (type instanceof ArrowType.ExtensionType ext) {
      type = ext.storageType();
    }
    if (type instanceof ArrowType.List || type instanceof ArrowType.LargeList) {
      ArrowType item = field.getChildren().get(0).getType();
      Feature element = feature == null ? null : feature.element();
      if (element != null && element.kind() == Feature.Kind.CLASS_LABEL) {
        return "multiHot";
      } else if (item instanceof ArrowType.FixedSizeList) {
        return "tensor";
      }
      return item instanceof ArrowType.Int i && i.getIsSigned() && i.getBitWidth() <= 32
          ? "tokens"
          : "";
    }
    return switch (type.getTypeID()) {
      case FixedSizeList -> "tensor";
      case Int -> "longs";
      case FloatingPoint -> "doubles";
      case Utf8, LargeUtf8, Utf8View -> "strings";
      default -> "";
    };
  }

  /**
   * Returns the collation {@code kind} of {@code column}, made once. The first such call on a batch
   * of a projected split, for the collation the column's type calls for, makes those of every
   * column in one walk: a trainer that selected its columns asks for them all.
   */
  private Object prepared(String kind, String column) {
    Gather g = gather(column);
    String key = kind + ':' + column;
    Object ready = prepared.get(key);
    if (ready == null && split.isProjection() && !preparedAll && kind.equals(kind(column))) {
      preparedAll = true;
      prepare(split.columnNames());
      ready = prepared.get(key);
    }
    if (ready != null) {
      return ready;
    }
    Object made = collator(kind, column, g).run(g);
    prepared.put(key, made);
    return made;
  }

  /** Returns the rows in split order, after checking that the split has {@code column}. */
  private Gather gather(String column) {
    Gather g = gather();
    g.position(column);
    return g;
  }

  private Gather gather() {
    Gather g = gather;
    if (g == null) {
      g = sources == null ? new Gather(split, indices) : new Gather(splits, sources, indices);
      gather = g;
    }
    return g;
  }
}
