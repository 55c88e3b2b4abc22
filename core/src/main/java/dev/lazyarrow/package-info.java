/**
 * LazyArrow's public face: open a dataset directory ({@link dev.lazyarrow.LazyDataset}), read its
 * splits ({@link dev.lazyarrow.Split}) as rows ({@link dev.lazyarrow.Row}) or zero-copy record
 * batches ({@link dev.lazyarrow.Batch}); training-loop loaders are in {@code dev.lazyarrow.view}.
 *
 * <p>The data flows format, io, cache, view, with convert and cli beside. Classes of the other
 * packages that are public only so that these packages can reach each other say so in their
 * package's description; they are not API.
 */
package dev.lazyarrow;
