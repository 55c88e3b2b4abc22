package dev.lazyarrow.s3;

import dev.lazyarrow.spi.ObjectStore;

/** Serves {@code s3://} URIs to the core, which finds it with {@link java.util.ServiceLoader}. */
public final class S3Provider implements ObjectStore.Provider {
  /** Made by {@link java.util.ServiceLoader}. */
  public S3Provider() {}

  @Override
  public String scheme() {
    return S3Uri.SCHEME;
  }

  @Override
  public ObjectStore open() {
    return S3Store.defaults();
  }
}
