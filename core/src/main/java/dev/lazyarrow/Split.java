package dev.lazyarrow;

import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.cache.BatchCache;
import dev.lazyarrow.internal.format.Manifest;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One split of a dataset ({@code train}, {@code test}, ...): a sequence of rows stored in shards.
 *
 * <p>Random access ({@link #get}, {@link #take}) and iteration ({@link #iterator}, {@link
 * #batches}) touch only the shards and record batches they need. All methods are thread-safe.
 */
public final class Split implements Iterable<Row> {
  private final String name;
  private final long size;
  private final long bytes;
  private final Map<String, Feature> features;
  private final SplitReads reads;
  private final DatasetTokenizer tokenizer;

  /** The selected columns of a projection, in their order; null for every column. */
  private final String[] selection;

  /** The columns the source's saved format shows; empty for every column. */
  private final List<String> formatColumns;

  private volatile Columns view;

  Split(
      int ordinal,
      Manifest.SplitEntry entry,
      ShardFiles files,
      BatchCache<SplitReads.BatchKey, CachedBatch> cache,
      boolean verifyChecksums,
      ReadMode readMode,
      DatasetTokenizer tokenizer) {
    this.name = entry.name();
    this.size = entry.rows();
    this.bytes = entry.shards().stream().mapToLong(Manifest.Shard::bytes).sum();
    this.features =
        entry.features() == null ? Map.of() : Feature.parseAll(entry.features().toString());
    this.reads = new SplitReads(ordinal, entry, files, features, cache, verifyChecksums, readMode);
    this.formatColumns = entry.formatColumns() == null ? List.of() : entry.formatColumns();
    this.tokenizer = tokenizer;
    this.selection = null;
  }

  /** A projection of {@code base} on the columns {@code selection}, sharing its files and cache. */
  private Split(Split base, String[] selection) {
    this.name = base.name;
    this.size = base.size;
    this.bytes = base.bytes;
    this.features = base.features;
    this.reads = base.reads;
    this.formatColumns = base.formatColumns;
    this.tokenizer = base.tokenizer;
    this.selection = selection;
    this.view = base.reads.columns().select(selection);
  }

  /**
   * Returns the columns that {@code datasets} shows for a row of this split: those its source was
   * saved with ({@code with_format(columns=[...])}, recorded by the manifest), or an empty list if
   * it shows every column.
   */
  public List<String> formatColumns() {
    return formatColumns;
  }

  /**
   * Returns the tokenizer that this split's token ids were made with, or empty if the dataset's
   * manifest records none.
   */
  public Optional<DatasetTokenizer> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** Returns the split's name. */
  public String name() {
    return name;
  }

  /** Returns the number of rows, as the manifest records it: no file is read. */
  public long size() {
    return size;
  }

  /** Returns the number of shard files. */
  public int shardCount() {
    return reads.shardCount();
  }

  /** Returns the bytes of all shard files, as the manifest records them. */
  public long bytes() {
    return bytes;
  }

  /**
   * Returns the first split row of every record batch, followed by the split's size; reads every
   * shard's footer.
   */
  public long[] batchStarts() {
    return reads.batchStarts();
  }

  /**
   * Returns the number of items in every row's list of column {@code column} (a null list counts
   * 0): what token budgets, curricula and packing plan with. Reads each record batch's list offsets
   * (and validity bits, if it counts nulls) with positional reads of those bytes alone, never the
   * items and never into the batch cache: a few bytes a row however long the lists are (of a
   * compressed batch, those buffers alone are decompressed). A dataset opened to verify checksums
   * loads each batch whole instead, as its checksum needs.
   *
   * @throws IllegalArgumentException if {@code column} is not a column of this split or not a list
   *     column, or a list holds more than 2^31 - 1 items
   * @throws LazyArrowException naming the file if a shard is missing, corrupt or changed since it
   *     was opened
   */
  public int[] listLengths(String column) {
    Objects.requireNonNull(column, "column");
    if (!columnNames().contains(column)) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns are " + columnNames());
    }
    return reads.listLengths(column);
  }

  /**
   * Returns a view of this split that reads only the columns {@code columns}, in that order, as
   * {@code datasets}' {@code select_columns}: its rows, batches, loaders and collations never touch
   * the other columns. It shares this split's files and cache, and their features travel with the
   * selected columns. Reads the first shard's footer.
   *
   * @throws IllegalArgumentException if a name is not a column of this split (the message lists
   *     them), or is given twice, or none is given
   */
  public Split select(String... columns) {
    Objects.requireNonNull(columns, "columns");
    if (columns.length == 0) {
      throw new IllegalArgumentException(
          "select at least one column; columns are " + columnNames());
    }
    // Checked against the columns shown here, then taken from the whole split's.
    view().select(columns);
    return new Split(this, columns.clone());
  }

  /** Returns whether this split is a projection on some of its columns, made by {@link #select}. */
  public boolean isProjection() {
    return selection != null;
  }

  /** Returns the HuggingFace features by column, in column order; empty if the source had none. */
  public Map<String, Feature> features() {
    return selection == null ? features : view().features;
  }

  /** Returns the Arrow schema (of the selected columns), read from the first shard's footer. */
  public Schema schema() {
    Schema whole = reads.schema();
    return selection == null ? whole : new Schema(view().fields, whole.getCustomMetadata());
  }

  /** Returns the column names, in schema order (in selection order for a projection). */
  public List<String> columnNames() {
    return view().names;
  }

  /**
   * Returns the record batch that holds row {@code index}, leased: a zero-copy view that the caller
   * must {@link Batch#close close}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public Batch batchAt(long index) {
    return reads.batchAt(index, this::view);
  }

  /**
   * Returns row {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public Row get(long index) {
    return reads.row(index, this::view);
  }

  /**
   * Returns the rows at {@code indices}, in that order; a run of indices in one record batch costs
   * one cache lookup.
   *
   * @throws IndexOutOfBoundsException if an index is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public List<Row> take(long... indices) {
    return reads.take(indices, this::view);
  }

  /**
   * Returns an iterator over all rows in order. It holds the current record batch until it moves
   * past it; one abandoned before its end holds that batch until the dataset closes.
   */
  @Override
  public Iterator<Row> iterator() {
    Iterator<Batch> batches = batches();
    return new Iterator<>() {
      private Batch current;
      private int next;

      @Override
      public boolean hasNext() {
        while (current == null || next == current.size()) {
          if (current != null) {
            current.close();
            current = null;
          }
          if (!batches.hasNext()) {
            return false;
          }
          current = batches.next();
          next = 0;
        }
        return true;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no rows left in split " + name);
        }
        return current.row(next++);
      }
    };
  }

  /**
   * Returns an iterator over the record batches in order, each a zero-copy view that the caller
   * must {@link Batch#close close}; zero-row batches are skipped.
   */
  public Iterator<Batch> batches() {
    return batches(0, reads.shardCount());
  }

  /**
   * Returns an iterator over the record batches of shards {@code [fromShard, toShard)} in order, as
   * {@link #batches()} does; touches no other shard, so that a distributed reader can give each
   * worker its own shards.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code [0, shardCount()]}
   */
  public Iterator<Batch> batches(int fromShard, int toShard) {
    Objects.checkFromToIndex(fromShard, toShard, reads.shardCount());
    return new Iterator<>() {
      private int shard = fromShard;
      private int batch;

      @Override
      public boolean hasNext() {
        while (shard < toShard) {
          if (reads.shardStart(shard + 1) > reads.shardStart(shard)
              && batch < reads.shard(shard).batchCount()) {
            if (reads.shard(shard).batchStart(batch) < reads.batchEnd(shard, batch)) {
              return true;
            }
            batch++;
          } else {
            shard++;
            batch = 0;
          }
        }
        return false;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no record batches left in split " + name);
        }
        long first = reads.shardStart(shard) + reads.shard(shard).batchStart(batch);
        Batch b = reads.leased(view(), shard, batch, first);
        batch++;
        return b;
      }
    };
  }

  /**
   * Returns the record batches holding the ascending split rows {@code sortedRows}, in order, each
   * to be closed after use, as a collation walks them: a batch whose rows the {@link ReadMode}
   * reads by ranges holds only those rows (see {@link Batch#holds}), the others are leased whole
   * when handed out; ranges read this split's columns only (see {@link #select}). Closing the
   * stream releases the batches not handed out.
   *
   * @throws IndexOutOfBoundsException if a row is not in {@code [0, size())}
   * @throws IllegalArgumentException if the rows do not ascend
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public Stream<Batch> batchesHolding(long[] sortedRows) {
    return reads.holding(sortedRows, this::view);
  }

  /**
   * Reads ahead, by ranges, those of {@code rows} that the {@link ReadMode} would read by ranges,
   * and keeps nothing: their bytes land in the page cache, where the reads that follow find them.
   * What a loader calls for its coming batches; returns once the reads are done. Rows read through
   * the mapping are left alone.
   *
   * @return how many distinct rows were read ahead
   * @throws IndexOutOfBoundsException if a row is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public int readAhead(long... rows) {
    return reads.readAhead(rows, this::view);
  }

  /** Returns the read path of this split's shards, which its projections share. */
  SplitReads reads() {
    return reads;
  }

  @Override
  public String toString() {
    return "Split "
        + name
        + " ("
        + size
        + (size == 1 ? " row in " : " rows in ")
        + reads.shardCount()
        + (reads.shardCount() == 1 ? " shard)" : " shards)");
  }

  /**
   * Returns whether every shard of this split records checksums (see {@link LazyDataset#verify});
   * reads every shard's footer.
   *
   * @throws LazyArrowException if a shard is missing or corrupt
   */
  public boolean hasChecksums() {
    return reads.hasChecksums();
  }

  /** Returns the columns this split shows: the selected ones of a projection, else all. */
  Columns view() {
    Columns v = view;
    return v != null ? v : reads.columns();
  }
}
