/**
 * LazyArrow for Deep Java Library: {@link dev.lazyarrow.djl.LazyArrowDataset}, a DJL {@code
 * RandomAccessDataset} over one split, and {@link dev.lazyarrow.djl.LoaderSampler}, a DJL {@code
 * Sampler} that plans batches with a LazyArrow loader (shuffles, rank shards, token budgets, exact
 * resumption). Every other class is package-private.
 */
package dev.lazyarrow.djl;
