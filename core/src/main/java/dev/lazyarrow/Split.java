package dev.lazyarrow;

import dev.lazyarrow.internal.ipc.LoadedBatch;

import dev.lazyarrow.format.LazyArrowException;

import dev.lazyarrow.internal.cache.BatchCache;
import dev.lazyarrow.internal.cache.BatchCache.Lease;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.read.ShardFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One split of a dataset ({@code train}, {@code test}, ...): a sequence of rows stored in shards.
 *
 * <p>Random access ({@link #get}, {@link #take}) and iteration ({@link #iterator}, {@link
 * #batches}) touch only the shards and record batches they need. All methods are thread-safe.
 */
public final class Split implements Iterable<Row> {
  private final int ordinal;
  private final String name;
  private final long size;
  private final long bytes;
  private final long[] shardStarts;
  private final ShardFile[] shards;

  /** Whether shard i's schema was found equal to the first shard's; set once per shard. */
  private final boolean[] schemaChecked;

  private final Map<String, Feature> features;
  private final BatchCache<BatchKey, CachedBatch> cache;
  private final boolean verifyChecksums;
  private final ReadMode readMode;
  private volatile Columns columns;

  /** The selected columns of a projection, in their order; null for every column. */
  private final String[] selection;

  /** The columns the source's saved format shows; empty for every column. */
  private final List<String> formatColumns;

  private volatile Columns view;

  /** Identifies a record batch across a dataset: split, shard and batch position. */
  record BatchKey(int split, int shard, int batch) {}

  Split(
      int ordinal,
      Manifest.SplitEntry entry,
      ShardFiles files,
      BatchCache<BatchKey, CachedBatch> cache,
      boolean verifyChecksums,
      ReadMode readMode) {
    this.ordinal = ordinal;
    this.verifyChecksums = verifyChecksums;
    this.readMode = readMode;
    this.name = entry.name();
    this.size = entry.rows();
    this.cache = cache;
    List<Manifest.Shard> list = entry.shards();
    this.shards = new ShardFile[list.size()];
    this.shardStarts = new long[list.size() + 1];
    this.schemaChecked = new boolean[list.size()];
    for (int i = 0; i < shards.length; i++) {
      Manifest.Shard s = list.get(i);
      shards[i] = files.of(s);
      shardStarts[i + 1] = shardStarts[i] + s.rows();
    }
    this.bytes = list.stream().mapToLong(Manifest.Shard::bytes).sum();
    this.features = entry.features() == null ? Map.of() : Feature.parseAll(entry.features().toString());
    this.formatColumns = entry.formatColumns() == null ? List.of() : entry.formatColumns();
    this.selection = null;
  }

  /** A projection of {@code base} on the columns {@code selection}, sharing its files and cache. */
  private Split(Split base, String[] selection) {
    this.ordinal = base.ordinal;
    this.name = base.name;
    this.size = base.size;
    this.bytes = base.bytes;
    this.shardStarts = base.shardStarts;
    this.shards = base.shards;
    this.schemaChecked = base.schemaChecked;
    this.features = base.features;
    this.cache = base.cache;
    this.verifyChecksums = base.verifyChecksums;
    this.readMode = base.readMode;
    this.formatColumns = base.formatColumns;
    this.selection = selection;
    this.view = base.columns().select(selection);
  }

  /**
   * Returns the columns that {@code datasets} shows for a row of this split: those its source was
   * saved with ({@code with_format(columns=[...])}, recorded by the manifest), or an empty list if
   * it shows every column.
   */
  public List<String> formatColumns() {
    return formatColumns;
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
    return shards.length;
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
    int batches = 0;
    for (int k = 0; k < shards.length; k++) {
      batches += shard(k).batchCount();
    }
    long[] starts = new long[batches + 1];
    int at = 0;
    for (int k = 0; k < shards.length; k++) {
      for (int b = 0; b < shards[k].batchCount(); b++) {
        starts[at++] = shardStarts[k] + shards[k].batchStart(b);
      }
    }
    starts[at] = size;
    return starts;
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
    Schema whole = shards[0].schema();
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
    checkIndex(index);
    int shard = ShardFile.locate(shardStarts, index);
    ShardFile file = shard(shard);
    int batch = file.batchOf(index - shardStarts[shard]);
    return new Batch(view(), shardStarts[shard] + file.batchStart(batch), lease(shard, batch));
  }

  /**
   * Returns row {@code index}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public Row get(long index) {
    checkIndex(index);
    cache.enter();
    try {
      int shard = ShardFile.locate(shardStarts, index);
      long local = index - shardStarts[shard];
      ShardFile file = shard(shard);
      int batch = file.batchOf(local);
      int row = (int) (local - file.batchStart(batch));
      Lease<CachedBatch> lease = leaseUnlessRanges(shard, batch);
      if (lease == null) {
        try (Batch b = RowGroups.one(this, view(), shard, batch, index - row, row)) {
          return b.row(b.indexOf(index));
        }
      }
      try (lease) {
        Columns v = view();
        return new Row(v, index, lease.value().values(row, v.source));
      }
    } finally {
      cache.exit();
    }
  }

  /**
   * Returns the rows at {@code indices}, in that order; a run of indices in one record batch costs
   * one cache lookup.
   *
   * @throws IndexOutOfBoundsException if an index is not in {@code [0, size())}
   * @throws LazyArrowException if a shard is missing, corrupt or changed since it was opened
   */
  public List<Row> take(long... indices) {
    Objects.requireNonNull(indices, "indices");
    List<Row> rows = new ArrayList<>(indices.length);
    Columns v = view();
    Lease<CachedBatch> lease = null;
    int heldShard = -1;
    int heldBatch = -1;
    long heldStart = 0;
    // Positions of rows in batches that ranges read, read together at the end.
    int[] ranged = new int[0];
    int rangedCount = 0;
    cache.enter();
    try {
      for (int i = 0; i < indices.length; i++) {
        long index = indices[i];
        checkIndex(index);
        int shard = ShardFile.locate(shardStarts, index);
        long local = index - shardStarts[shard];
        int batch = shard(shard).batchOf(local);
        if (shard != heldShard || batch != heldBatch) {
          if (lease != null) {
            lease.close();
          }
          lease = leaseUnlessRanges(shard, batch);
          heldShard = shard;
          heldBatch = batch;
          heldStart = shardStarts[shard] + shards[shard].batchStart(batch);
        }
        if (lease == null) {
          if (rangedCount == ranged.length) {
            ranged = Arrays.copyOf(ranged, Math.max(16, 2 * rangedCount));
          }
          ranged[rangedCount++] = i;
          rows.add(null);
        } else {
          rows.add(new Row(v, index, lease.value().values((int) (index - heldStart), v.source)));
        }
      }
      if (lease != null) {
        lease.close();
        lease = null;
      }
      if (rangedCount > 0) {
        long[] scattered = new long[rangedCount];
        for (int r = 0; r < rangedCount; r++) {
          scattered[r] = indices[ranged[r]];
        }
        List<Row> read = RowGroups.take(this, scattered, v);
        for (int r = 0; r < rangedCount; r++) {
          rows.set(ranged[r], read.get(r));
        }
      }
    } finally {
      if (lease != null) {
        lease.close();
      }
      cache.exit();
    }
    return rows;
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
    return batches(0, shards.length);
  }

  /**
   * Returns an iterator over the record batches of shards {@code [fromShard, toShard)} in order, as
   * {@link #batches()} does; touches no other shard, so that a distributed reader can give each
   * worker its own shards.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code [0, shardCount()]}
   */
  public Iterator<Batch> batches(int fromShard, int toShard) {
    Objects.checkFromToIndex(fromShard, toShard, shards.length);
    return new Iterator<>() {
      private int shard = fromShard;
      private int batch;

      @Override
      public boolean hasNext() {
        while (shard < toShard) {
          if (shardStarts[shard + 1] > shardStarts[shard] && batch < shard(shard).batchCount()) {
            if (shards[shard].batchStart(batch) < batchEnd(shard, batch)) {
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
        long first = shardStarts[shard] + shards[shard].batchStart(batch);
        Batch b = new Batch(view(), first, lease(shard, batch));
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
    for (int i = 0; i < sortedRows.length; i++) {
      checkIndex(sortedRows[i]);
      if (i > 0 && sortedRows[i] < sortedRows[i - 1]) {
        throw new IllegalArgumentException(
            "rows must ascend: " + sortedRows[i - 1] + " then " + sortedRows[i]);
      }
    }
    cache.enter();
    try {
      return RowGroups.holding(this, sortedRows, view());
    } finally {
      cache.exit();
    }
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
    long[] sorted = rows.clone();
    Arrays.sort(sorted);
    return inRead(sorted, () -> RowGroups.readAhead(this, sorted, view()));
  }

  /** Checks {@code rows}, then runs {@code read} as a read in flight, which close waits for. */
  private <T> T inRead(long[] rows, java.util.function.Supplier<T> read) {
    for (long row : rows) {
      checkIndex(row);
    }
    cache.enter();
    try {
      return read.get();
    } finally {
      cache.exit();
    }
  }

  /**
   * Returns whether {@code rows} rows of record batch {@code batch} of shard {@code shard} are read
   * by ranges rather than through the batch: never when mapped or checking checksums (which need
   * the whole batch) or when the batch is cached; always for {@link ReadMode#RANGES}; for {@link
   * ReadMode#AUTO}, when they are under a quarter of the batch and its pages are not all in memory.
   */
  boolean byRanges(int shard, int batch, int rows) {
    return readMode != ReadMode.MAPPED
        && !cache.contains(new BatchKey(ordinal, shard, batch))
        && uncachedByRanges(shard, batch, rows);
  }

  /** Returns whether the rows of a batch not in the cache are read by ranges; see byRanges. */
  private boolean uncachedByRanges(int shard, int batch, int rows) {
    return !verifyChecksums
        && (readMode == ReadMode.RANGES
            || (rows * 4L < batchEnd(shard, batch) - shards[shard].batchStart(batch)
                && !shards[shard].isResident(batch)));
  }

  /**
   * Returns a lease on batch {@code batch} of shard {@code shard}, or null if a row of it is read
   * by ranges (see {@link #byRanges}): one cache lookup when the batch is cached.
   */
  private Lease<CachedBatch> leaseUnlessRanges(int shard, int batch) {
    if (readMode == ReadMode.MAPPED) {
      return lease(shard, batch);
    }
    ShardFile file = shards[shard];
    return cache.acquireOrNull(
        new BatchKey(ordinal, shard, batch),
        key ->
            uncachedByRanges(shard, batch, 1)
                ? null
                : cached(file.load(batch, verifyChecksums), file));
  }

  /** Returns batch {@code batch} of shard {@code shard}, starting at split row {@code first}. */
  Batch leased(Columns shown, int shard, int batch, long first) {
    return new Batch(shown, first, lease(shard, batch));
  }

  int shardOf(long index) {
    return ShardFile.locate(shardStarts, index);
  }

  long shardStart(int shard) {
    return shardStarts[shard];
  }

  ShardFile shardFile(int k) {
    return shard(k);
  }

  BatchCache<BatchKey, CachedBatch> cache() {
    return cache;
  }

  @Override
  public String toString() {
    return "Split "
        + name
        + " ("
        + size
        + (size == 1 ? " row in " : " rows in ")
        + shards.length
        + (shards.length == 1 ? " shard)" : " shards)");
  }

  void close() {
    for (ShardFile shard : shards) {
      shard.close();
    }
  }

  /**
   * Copies every record batch into allocator memory and into the cache, which must hold them all.
   */
  void keepInMemory() {
    for (int k = 0; k < shards.length; k++) {
      ShardFile file = shard(k);
      for (int b = 0; b < file.batchCount(); b++) {
        int batch = b;
        cache.acquire(new BatchKey(ordinal, k, b), key -> cached(file.read(batch), file)).close();
      }
    }
  }

  /**
   * Returns whether every shard of this split records checksums (see {@link LazyDataset#verify});
   * reads every shard's footer.
   *
   * @throws LazyArrowException if a shard is missing or corrupt
   */
  public boolean hasChecksums() {
    for (int k = 0; k < shards.length; k++) {
      if (!shard(k).hasChecksums()) {
        return false;
      }
    }
    return true;
  }

  /** Verifies every shard and checks the rows they hold: what {@code verify} runs. */
  void verify() {
    long total = 0;
    for (int k = 0; k < shards.length; k++) {
      ShardFile shard = shard(k);
      total += shard.rows();
      shard.verify();
    }
    if (total != size) {
      throw new LazyArrowException(
          shards[0].path(),
          "split '" + name + "' has " + total + " rows in its shards, the manifest says " + size);
    }
  }

  private long batchEnd(int shard, int batch) {
    return batch + 1 < shards[shard].batchCount()
        ? shards[shard].batchStart(batch + 1)
        : shards[shard].rows();
  }

  private Lease<CachedBatch> lease(int shard, int batch) {
    ShardFile file = shards[shard];
    return cache.acquire(
        new BatchKey(ordinal, shard, batch),
        key -> cached(file.load(batch, verifyChecksums), file));
  }

  private static BatchCache.Loaded<CachedBatch> cached(
      LoadedBatch batch, ShardFile file) {
    CachedBatch loaded = new CachedBatch(file.path(), batch, file.dictionaries());
    return new BatchCache.Loaded<>(loaded, loaded.weight);
  }

  /** Returns shard {@code k}, checking on its first touch that its schema is the split's. */
  private ShardFile shard(int k) {
    ShardFile file = shards[k];
    if (!schemaChecked[k]) {
      if (k > 0 && !file.schema().getFields().equals(columns().fields)) {
        throw new LazyArrowException(
            file.path(),
            "schema differs from the first shard of split '"
                + name
                + "': "
                + file.schema().getFields()
                + " vs "
                + columns().fields);
      }
      schemaChecked[k] = true;
    }
    return file;
  }

  /** Returns every column of the record batches. */
  private Columns columns() {
    Columns c = columns;
    if (c == null) {
      c = new Columns(shards[0].schema(), features);
      columns = c;
    }
    return c;
  }

  /** Returns the columns this split shows: the selected ones of a projection, else all. */
  Columns view() {
    Columns v = view;
    return v != null ? v : columns();
  }

  private void checkIndex(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "row " + index + " outside 0.." + (size - 1) + " of split " + name);
    }
  }
}
