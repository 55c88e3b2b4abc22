package dev.lazyarrow;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.cache.BatchCache;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.spi.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A LazyArrow dataset directory (or prefix in object storage), opened by reading its manifest and
 * nothing else.
 *
 * <p>Shards are opened on their first touch and record batches mapped on theirs; a cache bounded in
 * bytes keeps the batches in use. Typical use:
 *
 * <pre>{@code
 * try (LazyDataset ds = LazyDataset.open(Path.of("emotion"))) {
 *   Split train = ds.split("train");
 *   Row row = train.get(42);
 *   int[] ids = row.getIntArray("input_ids");
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close} frees every batch, so it must not run while other threads read.
 */
public final class LazyDataset implements AutoCloseable {
  /** The cache bound used unless {@link Builder#maximumCacheBytes} says otherwise: 256 MiB. */
  public static final long DEFAULT_CACHE_BYTES = 256L << 20;

  private final Path dir;
  private final Manifest manifest;

  /** The object store this dataset made, and so closes; null for a local one or a given store. */
  private final ObjectStore ownStore;

  private final BufferAllocator allocator;
  private final BatchCache<SplitReads.BatchKey, CachedBatch> cache;
  private final Map<String, Split> splits = new LinkedHashMap<>();
  private final DatasetTokenizer tokenizer;

  LazyDataset(
      Path dir,
      ShardFiles files,
      Manifest manifest,
      BufferAllocator allocator,
      long cacheBytes,
      boolean verifyChecksums,
      ReadMode readMode,
      ObjectStore ownStore) {
    this.dir = dir;
    this.manifest = manifest;
    this.ownStore = ownStore;
    this.allocator = allocator;
    this.cache = new BatchCache<>(cacheBytes);
    List<Manifest.SplitEntry> entries = manifest.splits();
    this.tokenizer = DatasetTokenizer.of(dir, manifest.tokenizer());
    for (int i = 0; i < entries.size(); i++) {
      Manifest.SplitEntry entry = entries.get(i);
      splits.put(
          entry.name(), new Split(i, entry, files, cache, verifyChecksums, readMode, tokenizer));
    }
  }

  /**
   * Opens the dataset directory {@code dir} with default options, reading only its manifest.
   *
   * @throws LazyArrowException if the manifest is missing, malformed or inconsistent
   */
  public static LazyDataset open(Path dir) {
    return newBuilder().open(dir);
  }

  /**
   * Opens the dataset at {@code uri} with default options, reading only its manifest: {@code
   * s3://bucket/prefix} in object storage (with the {@code lazyarrow-s3} module and the AWS SDK's
   * default settings), or a {@code file:} URI.
   *
   * @throws IllegalArgumentException if the URI is not one its store can serve (no bucket, say)
   * @throws LazyArrowException if the manifest is missing, malformed or inconsistent, or no module
   *     on the class path serves the URI's scheme (the message names the one to add)
   */
  public static LazyDataset open(URI uri) {
    return newBuilder().open(uri);
  }

  /** Returns a builder for opening a dataset with options. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Returns the dataset directory; for a dataset in object storage, the name errors give it, a path
   * that prints as {@code s3:/bucket/prefix}.
   */
  public Path path() {
    return dir;
  }

  /** Returns the manifest read when the dataset was opened. */
  Manifest manifest() {
    return manifest;
  }

  /** Returns the manifest's file, or for a dataset in object storage, its object's name. */
  public Path manifestPath() {
    return dir.resolve(Manifest.FILE_NAME);
  }

  /** Returns the splits, in manifest order. */
  public List<Split> splits() {
    return List.copyOf(splits.values());
  }

  /**
   * Returns the split named {@code name}.
   *
   * @throws IllegalArgumentException if there is no such split
   */
  public Split split(String name) {
    Split split = splits.get(Objects.requireNonNull(name, "name"));
    if (split == null) {
      throw new IllegalArgumentException("no split '" + name + "'; splits are " + splits.keySet());
    }
    return split;
  }

  /** Returns what the manifest says about the dataset's origin: layout, path and fingerprint. */
  public Map<String, String> source() {
    Manifest.Source s = manifest.source();
    Map<String, String> out = new LinkedHashMap<>();
    out.put("layout", s.layout());
    out.put("path", s.path());
    out.put("fingerprint", s.fingerprint());
    out.put("writer", manifest.writer());
    return out;
  }

  /**
   * Returns the tokenizer that the dataset's token ids were made with ({@code lazyarrow convert
   * --tokenizer} or {@code tokenize}), or empty if its manifest records none.
   */
  public Optional<DatasetTokenizer> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** Returns a snapshot of the record batch cache's counters. */
  public CacheStats cacheStats() {
    cache.cleanUp();
    return new CacheStats(
        cache.hits(),
        cache.misses(),
        cache.evictions(),
        cache.loadedBytes(),
        cache.residentBytes(),
        cache.residentBatches(),
        cache.liveBatches());
  }

  /**
   * Reads every shard's footer and every record batch, checking them against the manifest, the
   * structure of every batch, and every checksum the shards record (all of each file's bytes).
   *
   * @throws LazyArrowException at the first fault found, naming the file and the batch
   */
  public void verify() {
    for (Split split : splits.values()) {
      split.reads().verify();
    }
  }

  /**
   * Returns whether every shard records checksums; reads every shard's footer (or index entry).
   *
   * @throws LazyArrowException if a shard is missing or corrupt
   */
  public boolean hasChecksums() {
    return splits.values().stream().allMatch(Split::hasChecksums);
  }

  /**
   * Frees every batch and mapping and closes the files; rows already returned stay valid. Reads in
   * flight in {@link Split#get} and {@link Split#take} finish first; later ones fail.
   */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    run(cache::close, failures);
    for (Split split : splits.values()) {
      run(split.reads()::close, failures);
    }
    run(allocator::close, failures);
    if (ownStore != null) {
      run(ownStore::close, failures);
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.get(0);
      failures.subList(1, failures.size()).forEach(first::addSuppressed);
      throw first;
    }
  }

  private static void run(Runnable step, List<RuntimeException> failures) {
    try {
      step.run();
    } catch (RuntimeException e) {
      failures.add(e);
    }
  }

  /** Options for opening a dataset; each may be set once. */
  public static final class Builder {
    private long cacheBytes = -1;
    private BufferAllocator parent;
    private boolean keepInMemory;
    private boolean verifyChecksums;
    private ReadMode readMode;
    private DiskCache localCache;
    private ObjectStore store;

    private Builder() {}

    /**
     * Keeps record batches on local disk in {@code dir}, at most {@code maxBytes} bytes of them,
     * least recently used first out: what is fetched from object storage, and compressed batches of
     * local shards, decompressed. Several processes may share one directory (see {@link
     * DiskCache}); entries are keyed by each object's ETag (a file's size and time), so a changed
     * shard is never served from an old entry.
     *
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     * @throws IllegalStateException if it was already set
     * @throws LazyArrowException if the directory cannot be created
     */
    public Builder localCache(Path dir, long maxBytes) {
      if (localCache != null) {
        throw new IllegalStateException("local cache was already set to " + localCache.dir());
      }
      this.localCache = DiskCache.open(dir, maxBytes);
      return this;
    }

    /**
     * Reads datasets under the scheme of {@code store} (such as {@code s3://} with {@code
     * lazyarrow-s3}'s {@code S3Store}) through it, which the caller closes after the dataset,
     * instead of a store with default settings that the dataset makes and closes.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder objectStore(ObjectStore store) {
      if (this.store != null) {
        throw new IllegalStateException(
            "an object store was already set, for " + this.store.scheme());
      }
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Chooses how rows are read from the shard files (see {@link ReadMode}): {@link ReadMode#AUTO}
     * unless set, which maps record batches that are in memory or read sequentially and reads
     * scattered rows of the others with positional reads of exactly their bytes. With {@link
     * #verifyChecksums}, every batch is read whole through the mapping, as its checksum needs.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder readMode(ReadMode mode) {
      if (readMode != null) {
        throw new IllegalStateException("read mode was already set to " + readMode);
      }
      this.readMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Checks each record batch against the CRC32C its shard records on the batch's first load, so
     * that damage inside values (which structural checks cannot see) fails the read instead of
     * returning wrong rows. Off by default: it reads every byte of each batch loaded once. Shards
     * written without checksums are read unchecked.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder verifyChecksums() {
      if (verifyChecksums) {
        throw new IllegalStateException("verify checksums was already set");
      }
      this.verifyChecksums = true;
      return this;
    }

    /**
     * Bounds the cache of record batches not in use to {@code bytes}: Java objects of batches read
     * zero-copy, plus the decompressed buffers of compressed ones.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative
     * @throws IllegalStateException if the bound or {@link #keepInMemory} was already set
     */
    public Builder maximumCacheBytes(long bytes) {
      if (cacheBytes != -1 || keepInMemory) {
        throw new IllegalStateException(
            keepInMemory
                ? "a dataset kept in memory has no cache bound"
                : "maximum cache bytes was already set to " + cacheBytes);
      }
      if (bytes < 0) {
        throw new IllegalArgumentException("maximum cache bytes must not be negative: " + bytes);
      }
      this.cacheBytes = bytes;
      return this;
    }

    /**
     * Copies every record batch of every split into allocator memory while opening, the way the
     * {@code datasets} library's {@code keep_in_memory=True} and Arrow's {@code ArrowFileReader}
     * do: opening then takes time and memory in proportion to the dataset, and reads never touch
     * the files again, so they may live on storage that is slow to map or may go away. Every batch
     * stays resident until close, so no cache bound applies.
     *
     * @throws IllegalStateException if this or a cache bound was already set
     */
    public Builder keepInMemory() {
      if (keepInMemory || cacheBytes != -1) {
        throw new IllegalStateException(
            keepInMemory
                ? "keep in memory was already set"
                : "a dataset kept in memory has no cache bound, but one was set to " + cacheBytes);
      }
      this.keepInMemory = true;
      return this;
    }

    /**
     * Accounts the dataset's Arrow memory under a child of {@code allocator} instead of a root
     * allocator of its own.
     *
     * @throws IllegalStateException if the allocator was already set
     */
    public Builder allocator(BufferAllocator allocator) {
      if (parent != null) {
        throw new IllegalStateException("allocator was already set to " + parent.getName());
      }
      this.parent = Objects.requireNonNull(allocator, "allocator");
      return this;
    }

    /**
     * Opens the dataset directory {@code dir}, reading only its manifest (and every record batch if
     * {@link #keepInMemory} was set).
     *
     * @throws LazyArrowException if the manifest is missing, malformed or inconsistent, a batch
     *     kept in memory is bad, or the JVM denies the memory access Arrow needs (the message names
     *     the flag)
     */
    public LazyDataset open(Path dir) {
      return opening().open(dir);
    }

    /**
     * Opens the dataset at {@code uri}, {@code s3://bucket/prefix} or {@code file:}, reading only
     * its manifest (and every record batch if {@link #keepInMemory} was set).
     *
     * @throws IllegalArgumentException if the URI has another scheme or names no bucket
     * @throws LazyArrowException as {@link #open(Path)} does, and if the AWS SDK is not on the
     *     class path (the message names the dependency to add)
     */
    public LazyDataset open(URI uri) {
      return opening().open(uri);
    }

    private Opening opening() {
      return new Opening(
          cacheBytes, parent, keepInMemory, verifyChecksums, readMode, localCache, store);
    }
  }
}
