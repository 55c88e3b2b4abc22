package dev.lazyarrow;

import dev.lazyarrow.format.Manifest;
import dev.lazyarrow.io.DiskCache;
import dev.lazyarrow.io.S3Store;
import dev.lazyarrow.io.S3Uri;
import dev.lazyarrow.io.ShardFile;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Datasets in object storage: the manifest read with one request, and shards that are objects under
 * the same prefix. Loaded only for {@code s3://} URIs, so that the AWS SDK, an optional dependency,
 * is needed only then.
 */
final class ObjectStorage {
  private ObjectStorage() {}

  /**
   * Reads the manifest of the dataset at {@code uri} (the object {@code prefix/lazyarrow.json}).
   *
   * @throws LazyArrowException naming it if it is missing, too large or malformed
   */
  static Manifest manifest(S3Store store, S3Uri uri) {
    String key = uri.key(Manifest.FILE_NAME);
    byte[] json =
        store.readAll(
            uri.bucket(),
            key,
            Manifest.MAX_BYTES,
            "no manifest: not a LazyArrow dataset (convert it first)");
    Path name = S3Store.name(uri.bucket(), key);
    Manifest manifest = Manifest.parse(name, json);
    for (Manifest.SplitEntry split : manifest.splits()) {
      for (Manifest.Shard shard : split.shards()) {
        if (shard.stream() != null) {
          throw new LazyArrowException(
              name,
              "shard "
                  + shard.path()
                  + " is an Arrow stream served in place (lazyarrow index), which object storage"
                  + " cannot serve: convert the dataset instead");
        }
      }
    }
    return manifest;
  }

  /** Returns the shards of the dataset at {@code uri}, objects read through {@code store}. */
  static ShardFiles shards(S3Store store, S3Uri uri, BufferAllocator allocator, DiskCache cache) {
    Path manifestName = S3Store.name(uri.bucket(), uri.key(Manifest.FILE_NAME));
    return s -> {
      // Checks that the path's components are plain names, as for a local dataset.
      Manifest.resolveInside(Path.of("/"), s.path(), manifestName);
      String key = uri.key(s.path());
      return new ShardFile(
          S3Store.name(uri.bucket(), key),
          store.object(uri.bucket(), key),
          s.bytes(),
          s.rows(),
          allocator,
          cache);
    };
  }
}
