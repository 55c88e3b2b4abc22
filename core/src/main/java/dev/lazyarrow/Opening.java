package dev.lazyarrow;

import dev.lazyarrow.internal.bytes.Memory;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.format.SafeFiles;
import dev.lazyarrow.spi.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The opening of a dataset with the options of a {@link LazyDataset.Builder}: reads the manifest,
 * makes the allocator, shard files and object store, and for {@code keepInMemory} loads every
 * record batch, freeing what it made if a step fails.
 */
final class Opening {
  private final long cacheBound;
  private final BufferAllocator parent;
  private final boolean keepInMemory;
  private final boolean verifyChecksums;
  private final ReadMode readMode;
  private final DiskCache localCache;
  private final ObjectStore store;

  /**
   * The options as the builder holds them: {@code cacheBytes} -1 and {@code readMode}, {@code
   * parent}, {@code localCache} and {@code store} null where unset.
   */
  Opening(
      long cacheBytes,
      BufferAllocator parent,
      boolean keepInMemory,
      boolean verifyChecksums,
      ReadMode readMode,
      DiskCache localCache,
      ObjectStore store) {
    this.cacheBound =
        keepInMemory
            ? Long.MAX_VALUE
            : cacheBytes == -1 ? LazyDataset.DEFAULT_CACHE_BYTES : cacheBytes;
    this.parent = parent;
    this.keepInMemory = keepInMemory;
    this.verifyChecksums = verifyChecksums;
    this.readMode = readMode == null ? ReadMode.AUTO : readMode;
    this.localCache = localCache;
    this.store = store;
  }

  /** Opens the dataset directory {@code dir}; see {@link LazyDataset.Builder#open(Path)}. */
  LazyDataset open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Memory.requireAccess(dir);
    Manifest manifest = Manifest.read(dir);
    // Shards are opened by their real paths, which must then hold no link (see SafeFiles).
    Path realDir = SafeFiles.realDirectory(dir);
    BufferAllocator allocator = allocator(dir);
    return open(dir, manifest, ShardFiles.local(realDir, allocator, localCache), allocator, null);
  }

  /** Opens the dataset at {@code uri}; see {@link LazyDataset.Builder#open(URI)}. */
  LazyDataset open(URI uri) {
    Objects.requireNonNull(uri, "uri");
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      return open(Path.of(uri));
    }
    if (uri.getScheme() == null) {
      throw new IllegalArgumentException("a dataset URI needs a scheme, such as s3://: " + uri);
    }
    // Prints as s3:/bucket/prefix: a Path folds the double slash.
    Path name = Path.of(uri.toString());
    Memory.requireAccess(name);
    boolean given = store != null && store.scheme().equalsIgnoreCase(uri.getScheme());
    ObjectStore own = given ? null : ObjectStorage.defaultStore(uri, name);
    ObjectStore objects = given ? store : own;
    try {
      Manifest manifest = ObjectStorage.manifest(objects, uri);
      BufferAllocator allocator = allocator(name);
      return open(
          name,
          manifest,
          ObjectStorage.shards(objects, uri, allocator, localCache),
          allocator,
          own);
    } catch (RuntimeException e) {
      if (own != null) {
        own.close();
      }
      throw e;
    }
  }

  private BufferAllocator allocator(Path name) {
    return parent == null
        ? new RootAllocator()
        : parent.newChildAllocator("lazyarrow " + name, 0, Long.MAX_VALUE);
  }

  private LazyDataset open(
      Path dir, Manifest manifest, ShardFiles files, BufferAllocator allocator, ObjectStore own) {
    LazyDataset dataset;
    try {
      dataset =
          new LazyDataset(
              dir, files, manifest, allocator, cacheBound, verifyChecksums, readMode, own);
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
    if (keepInMemory) {
      try {
        for (Split split : dataset.splits()) {
          split.reads().keepInMemory();
        }
      } catch (RuntimeException e) {
        try {
          dataset.close();
        } catch (RuntimeException closing) {
          e.addSuppressed(closing);
        }
        throw e;
      }
    }
    return dataset;
  }
}
