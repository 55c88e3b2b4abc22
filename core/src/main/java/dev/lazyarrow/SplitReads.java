package dev.lazyarrow;

import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.cache.BatchCache;
import dev.lazyarrow.internal.cache.BatchCache.Lease;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.read.ListLengths;
import dev.lazyarrow.internal.read.ShardFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The read path of one split's shards: the one place that decides whether rows are read through the
 * mapped record batch, by positional range reads, or from a batch fetched whole, and that leases
 * the batches from the dataset's cache.
 *
 * <p>A split and its projections share one instance, and so its open shards and their schema
 * checks. The reads take the columns to show as a supplier, asked only once the rows are checked
 * and the read is in flight, so that a bad row fails before any footer is read.
 */
final class SplitReads {
  private final int ordinal;
  private final String name;
  private final long size;
  private final long[] shardStarts;
  private final ShardFile[] shards;

  /** Whether shard i's schema was found equal to the first shard's; set once per shard. */
  private final boolean[] schemaChecked;

  private final Map<String, Feature> features;
  private final BatchCache<BatchKey, CachedBatch> cache;
  private final boolean verifyChecksums;
  private final ReadMode readMode;
  private volatile Columns columns;

  /** Identifies a record batch across a dataset: split, shard and batch position. */
  record BatchKey(int split, int shard, int batch) {}

  SplitReads(
      int ordinal,
      Manifest.SplitEntry entry,
      ShardFiles files,
      Map<String, Feature> features,
      BatchCache<BatchKey, CachedBatch> cache,
      boolean verifyChecksums,
      ReadMode readMode) {
    this.ordinal = ordinal;
    this.name = entry.name();
    this.size = entry.rows();
    this.features = features;
    this.cache = cache;
    this.verifyChecksums = verifyChecksums;
    this.readMode = readMode;
    List<Manifest.Shard> list = entry.shards();
    this.shards = new ShardFile[list.size()];
    this.shardStarts = new long[list.size() + 1];
    this.schemaChecked = new boolean[list.size()];
    for (int i = 0; i < shards.length; i++) {
      Manifest.Shard s = list.get(i);
      shards[i] = files.of(s);
      shardStarts[i + 1] = shardStarts[i] + s.rows();
    }
  }

  int shardCount() {
    return shards.length;
  }

  /** Returns the first split row of every record batch, followed by the split's size. */
  long[] batchStarts() {
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

  /** Returns the first shard's schema: that of every shard. */
  Schema schema() {
    return shards[0].schema();
  }

  /** Returns the record batch that holds row {@code index}, leased. */
  Batch batchAt(long index, Supplier<Columns> shown) {
    checkIndex(index);
    int shard = ShardFile.locate(shardStarts, index);
    ShardFile file = shard(shard);
    int batch = file.batchOf(index - shardStarts[shard]);
    return new Batch(shown.get(), shardStarts[shard] + file.batchStart(batch), lease(shard, batch));
  }

  /** Returns row {@code index}, read by ranges or from its leased batch. */
  Row row(long index, Supplier<Columns> shown) {
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
        try (Batch b = RowGroups.one(this, shown.get(), shard, batch, index - row, row)) {
          return b.row(b.indexOf(index));
        }
      }
      try (lease) {
        Columns v = shown.get();
        return new Row(v, index, lease.value().values(row, v.source));
      }
    } finally {
      cache.exit();
    }
  }

  /**
   * Returns the rows at {@code indices}, in that order: a run of them in one leased batch costs one
   * cache lookup, and those in batches read by ranges are read together at the end.
   */
  List<Row> take(long[] indices, Supplier<Columns> shown) {
    Objects.requireNonNull(indices, "indices");
    List<Row> rows = new ArrayList<>(indices.length);
    Columns v = shown.get();
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
   * Returns the batches holding the ascending rows {@code sortedRows}, leased or read by ranges.
   */
  Stream<Batch> holding(long[] sortedRows, Supplier<Columns> shown) {
    for (int i = 0; i < sortedRows.length; i++) {
      checkIndex(sortedRows[i]);
      if (i > 0 && sortedRows[i] < sortedRows[i - 1]) {
        throw new IllegalArgumentException(
            "rows must ascend: " + sortedRows[i - 1] + " then " + sortedRows[i]);
      }
    }
    cache.enter();
    try {
      return RowGroups.holding(this, sortedRows, shown.get());
    } finally {
      cache.exit();
    }
  }

  /** Reads ahead those of {@code rows} read by ranges; returns how many distinct rows it read. */
  int readAhead(long[] rows, Supplier<Columns> shown) {
    long[] sorted = rows.clone();
    Arrays.sort(sorted);
    return inRead(sorted, () -> RowGroups.readAhead(this, sorted, shown.get()));
  }

  /** Checks {@code rows}, then runs {@code read} as a read in flight, which close waits for. */
  private <T> T inRead(long[] rows, Supplier<T> read) {
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

  BatchCache<BatchKey, CachedBatch> cache() {
    return cache;
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

  /** Returns whether every shard records checksums; reads every shard's footer. */
  boolean hasChecksums() {
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

  /**
   * Returns the length of every row's list in column {@code column}, read from the list offsets of
   * each record batch alone ({@link ListLengths}); nothing enters the batch cache.
   */
  int[] listLengths(String column) {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "split '" + name + "' holds " + size + " rows, more lengths than an array holds");
    }
    int[] out = new int[(int) size];
    List<ShardFile> files = new ArrayList<>(shards.length);
    for (int k = 0; k < shards.length; k++) {
      files.add(shard(k));
    }
    ListLengths.read(files, shardStarts, columns().names.indexOf(column), out, verifyChecksums);
    return out;
  }

  /** Returns the shard row that ends batch {@code batch} of shard {@code shard}. */
  long batchEnd(int shard, int batch) {
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

  private static BatchCache.Loaded<CachedBatch> cached(LoadedBatch batch, ShardFile file) {
    CachedBatch loaded = new CachedBatch(file.path(), batch, file.dictionaries());
    return new BatchCache.Loaded<>(loaded, loaded.weight);
  }

  /** Returns shard {@code k}, checking on its first touch that its schema is the split's. */
  ShardFile shard(int k) {
    ShardFile file = shards[k];
    if (!schemaChecked[k]) {
      if (k > 0 && !file.schema().getFields().equals(columns().fields)) {
        throw schemaMismatch(file);
      }
      schemaChecked[k] = true;
    }
    return file;
  }

  /**
   * Returns the error for {@code file}'s schema differing from the first shard's. It blames the one
   * whose schema and footer fail their checksum: a damaged first shard must not get the healthy
   * shard read after it blamed. Without checksums to tell, it names both.
   */
  private LazyArrowException schemaMismatch(ShardFile file) {
    ShardFile first = shards[0];
    ShardFile damaged =
        first.failsChecksumOutsideBatches()
            ? first
            : file.failsChecksumOutsideBatches() ? file : null;
    if (damaged != null) {
      ShardFile other = damaged == first ? file : first;
      return new LazyArrowException(
          damaged.path(),
          String.format(
              "schema %s differs from %s's %s in split '%s', and this shard's schema and footer"
                  + " fail their checksum",
              damaged.schema().getFields(), other.path(), other.schema().getFields(), name));
    }
    String unknown =
        file.hasChecksums() && first.hasChecksums()
            ? ""
            : " (no checksums say which of the two is damaged)";
    return new LazyArrowException(
        file.path(),
        String.format(
            "schema differs from the first shard of split '%s', %s%s: %s vs %s",
            name, first.path(), unknown, file.schema().getFields(), columns().fields));
  }

  /** Returns every column of the record batches. */
  Columns columns() {
    Columns c = columns;
    if (c == null) {
      c = new Columns(shards[0].schema(), features);
      columns = c;
    }
    return c;
  }

  private void checkIndex(long index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          "row " + index + " outside 0.." + (size - 1) + " of split " + name);
    }
  }
}
