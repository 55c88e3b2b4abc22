/**
 * The converter's parts: source formats and layouts (implemented here for Arrow and JSON Lines and
 * by {@code lazyarrow-parquet} for Parquet, found through {@link java.util.ServiceLoader}), the
 * vector appender and the shard writer that Spark's writer uses too. Internal: used by LazyArrow's
 * own modules, not API.
 */
package dev.lazyarrow.internal.convert;
