/**
 * Conversion of the layouts users have on disk into dataset directories, and in-place indexing.
 * {@link dev.lazyarrow.convert.Converter}, {@link dev.lazyarrow.convert.Indexer} and {@link
 * dev.lazyarrow.internal.convert.ShardSink} (the shard writer, for writers in other engines) are API; the
 * layouts and readers are package-private.
 */
package dev.lazyarrow.convert;
