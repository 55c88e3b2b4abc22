/**
 * Training-loop views of a split: epoch orders, sharding by rank, batching by size or token budget,
 * collation straight from the record batches, curriculum, prefetch and exact resumption. {@link
 * dev.lazyarrow.view.Loader}, {@link dev.lazyarrow.view.LoaderBuilder}, {@link
 * dev.lazyarrow.view.LoaderState}, {@link dev.lazyarrow.view.TrainingBatch}, {@link
 * dev.lazyarrow.view.Padded}, {@link dev.lazyarrow.view.Tensor}, {@link dev.lazyarrow.view.Pacing}
 * and {@link dev.lazyarrow.view.Sampler} are API.
 */
package dev.lazyarrow.view;
