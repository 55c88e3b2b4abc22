/**
 * LazyArrow's public face: open a dataset directory ({@link dev.lazyarrow.LazyDataset}), read its
 * splits ({@link dev.lazyarrow.Split}) as rows ({@link dev.lazyarrow.Row}) or zero-copy record
 * batches ({@link dev.lazyarrow.Batch}).
 *
 * <p>Training-loop loaders are in {@link dev.lazyarrow.loader}, conversion in {@link
 * dev.lazyarrow.convert}, the on-disk format's public types in {@link dev.lazyarrow.format}, the
 * object-store extension point in {@link dev.lazyarrow.spi}. Packages under {@code
 * dev.lazyarrow.internal} are not API: they may change in any release.
 */
package dev.lazyarrow;
