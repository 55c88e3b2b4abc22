/**
 * Conversion of the layouts users have on disk into dataset directories ({@link
 * dev.lazyarrow.convert.Converter}), and indexing in place ({@link dev.lazyarrow.convert.Indexer}).
 * The core reads Arrow files and streams, JSON Lines and the {@code datasets} {@code
 * save_to_disk} and cache layouts; other source formats come from modules found through {@link
 * java.util.ServiceLoader} ({@code lazyarrow-parquet} for Parquet), and a missing one is an error
 * naming its artifact.
 */
package dev.lazyarrow.convert;
