package dev.lazyarrow.spi;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * A connection to an object store that serves datasets under one URI scheme: {@code s3://} comes
 * with the {@code lazyarrow-s3} module. A dataset opened through a store reads its manifest with
 * {@link #readAll} and each shard through {@link #object}.
 *
 * <p>Implementations are thread-safe. The core finds one for a scheme through {@link Provider},
 * with {@link java.util.ServiceLoader}, when a dataset is opened without a store of the caller's.
 */
public interface ObjectStore extends AutoCloseable {
  /** Returns the URI scheme this store serves, such as {@code s3}. */
  String scheme();

  /**
   * Returns the location of the object {@code path} (a relative path of a dataset's files) under
   * the dataset at {@code dataset}.
   *
   * @throws IllegalArgumentException if {@code dataset} is not a URI this store can serve
   */
  URI resolve(URI dataset, String path);

  /** Returns the name errors give the object at {@code object}. */
  Path name(URI object);

  /**
   * Reads the whole object at {@code object}, which must hold at most {@code maxBytes} bytes.
   *
   * @throws dev.lazyarrow.format.LazyArrowException naming it, with {@code missing} as the reason
   *     if it does not exist, or if it is larger or cannot be read
   */
  byte[] readAll(URI object, int maxBytes, String missing);

  /** Returns the opener of the object at {@code object}, touching nothing until it is called. */
  ByteSource.Opener object(URI object);

  /**
   * Uploads the dataset directory {@code dir} to {@code dataset}: its shards first, its manifest
   * last, so that a reader never sees a manifest whose shards are not all there.
   *
   * @throws dev.lazyarrow.format.LazyArrowException if a dataset is already there and {@code
   *     overwrite} is false, or an upload fails (nothing is left listed then)
   * @throws IOException if {@code dir} cannot be read
   */
  void upload(Path dir, URI dataset, boolean overwrite) throws IOException;

  /** Releases the store's connections. */
  @Override
  void close();

  /** Makes stores for one URI scheme, found with {@link java.util.ServiceLoader}. */
  interface Provider {
    /** Returns the URI scheme its stores serve. */
    String scheme();

    /** Returns a store with the default settings of its scheme (credentials, region, endpoint). */
    ObjectStore open();
  }
}
