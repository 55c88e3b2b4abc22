/**
 * The Spark DataSource V2 {@code format("lazyarrow")}: the write path (options, task writers, the
 * driver's commit) and the read path (scan, one partition per shard, columnar readers). {@link
 * dev.lazyarrow.spark.LazyArrowSource} is the only public class; Spark finds it by its short name.
 */
package dev.lazyarrow.spark;
