package dev.lazyarrow;

import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.read.ShardFile;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** Makes the shard of each manifest entry: a file under the dataset's directory, or an object. */
@FunctionalInterface
interface ShardFiles {
  /** Returns the shard {@code shard} of the manifest describes, touching nothing. */
  ShardFile of(Manifest.Shard shard);

  /**
   * Returns the shards of the dataset in {@code dir} (its real path), whose compressed batches are
   * kept decompressed in {@code cache} if given.
   */
  static ShardFiles local(Path dir, BufferAllocator allocator, DiskCache cache) {
    Path manifestFile = dir.resolve(Manifest.FILE_NAME);
    return s -> {
      Path file = Manifest.resolveInside(dir, s.path(), manifestFile);
      return s.stream() == null
          ? new ShardFile(file, s.bytes(), s.rows(), allocator, cache)
          : new ShardFile(
              file,
              s.bytes(),
              s.rows(),
              s.stream(),
              dir.resolve(Manifest.INDEX_FILE_NAME),
              allocator);
    };
  }
}
