/**
 * LazyArrow for Deep Java Library: {@link dev.lazyarrow.djl.LazyArrowDataset}, a DJL {@code
 * RandomAccessDataset} over one split or a mixture of splits; {@link
 * dev.lazyarrow.djl.LoaderSampler}, a DJL {@code Sampler} that plans batches with a LazyArrow
 * loader (shuffles, rank shards, token budgets, mixtures, exact resumption); and {@link
 * dev.lazyarrow.djl.PackedDataset}, a DJL {@code Dataset} of the packed samples of a pretraining
 * loop. Every other class is package-private.
 */
package dev.lazyarrow.djl;
