/**
 * The service interfaces through which optional modules plug into the core: an {@link
 * dev.lazyarrow.spi.ObjectStore} serves datasets under a URI scheme and reads their shards as
 * {@link dev.lazyarrow.spi.ByteSource}s. Trainers do not implement them; {@code lazyarrow-s3} does.
 */
package dev.lazyarrow.spi;
