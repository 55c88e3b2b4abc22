/**
 * Training-loop loaders over a split: epoch orders, sharding by rank, batching by size or token
 * budget, collation straight from the record batches, curriculum, prefetch and exact resumption.
 * Start with {@link dev.lazyarrow.loader.Loader#newBuilder}.
 */
package dev.lazyarrow.loader;
