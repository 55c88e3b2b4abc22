package dev.lazyarrow;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.read.ShardFile;
import dev.lazyarrow.spi.ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Datasets in object storage: the manifest read with one request, and shards that are objects under
 * the same prefix, through the {@link ObjectStore} of the URI's scheme.
 */
final class ObjectStorage {
  /** The modules that serve a scheme, named when none is on the class path. */
  private static final Map<String, String> MODULES = Map.of("s3", "dev.lazyarrow:lazyarrow-s3");

  private ObjectStorage() {}

  /**
   * Returns a store with default settings for the scheme of {@code uri}, found on the class path.
   *
   * @throws LazyArrowException naming the module to add if none serves it
   */
  static ObjectStore defaultStore(URI uri, Path name) {
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    for (ObjectStore.Provider provider : ServiceLoader.load(ObjectStore.Provider.class)) {
      if (provider.scheme().equals(scheme)) {
        return provider.open();
      }
    }
    String module = MODULES.get(scheme);
    throw new LazyArrowException(
        name,
        module == null
            ? "no object store for " + scheme + ":// URIs is on the class path"
            : "reading " + scheme + ":// datasets needs the module " + module
                + ", which is not on the class path; add it to your pom");
  }

  /**
   * Reads the manifest of the dataset at {@code uri} (the object {@code prefix/lazyarrow.json}).
   *
   * @throws LazyArrowException naming it if it is missing, too large or malformed
   */
  static Manifest manifest(ObjectStore store, URI uri) {
    URI object = store.resolve(uri, Manifest.FILE_NAME);
    byte[] json =
        store.readAll(
            object, Manifest.MAX_BYTES, "no manifest: not a LazyArrow dataset (convert it first)");
    Path name = store.name(object);
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
  static ShardFiles shards(ObjectStore store, URI uri, BufferAllocator allocator, DiskCache cache) {
    Path manifestName = store.name(store.resolve(uri, Manifest.FILE_NAME));
    return s -> {
      // Checks that the path's components are plain names, as for a local dataset.
      Manifest.resolveInside(Path.of("/"), s.path(), manifestName);
      URI object = store.resolve(uri, s.path());
      return new ShardFile(
          store.name(object), store.object(object), s.bytes(), s.rows(), allocator, cache);
    };
  }
}
