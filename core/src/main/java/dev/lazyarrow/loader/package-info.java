/**
 * Training-loop views of a split: epoch orders, sharding by rank, batching by size or token budget,
 * collation straight from the record batches, curriculum, prefetch and exact resumption. {@link
 * dev.lazyarrow.loader.Loader}, {@link dev.lazyarrow.loader.LoaderBuilder}, {@link
 * dev.lazyarrow.loader.LoaderState}, {@link dev.lazyarrow.loader.TrainingBatch}, {@link
 * dev.lazyarrow.loader.Padded}, {@link dev.lazyarrow.loader.Tensor}, {@link dev.lazyarrow.loader.Pacing}
 * and {@link dev.lazyarrow.loader.Sampler} are API.
 */
package dev.lazyarrow.loader;
