/**
 * Parquet sources for conversion: one {@code .parquet} file, and the Hub's folders of Parquet
 * shards ({@code data/<split>-NNNNN-of-NNNNN.parquet}, README.md configs, or {@code
 * <config>/<split>/NNNN.parquet}). Adding this module's artifact, {@code lazyarrow-parquet}, is all
 * it takes: the core finds {@link dev.lazyarrow.parquet.ParquetFormat} and {@link
 * dev.lazyarrow.parquet.HubParquetLayout} with {@link java.util.ServiceLoader}.
 */
package dev.lazyarrow.parquet;
