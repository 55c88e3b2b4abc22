/**
 * Conversion of the layouts users have on disk into dataset directories, and in-place indexing.
 * {@link dev.lazyarrow.convert.Converter} and {@link dev.lazyarrow.convert.Indexer} are API; the
 * layouts and readers are package-private.
 */
package dev.lazyarrow.convert;
