/** A runnable conversion of Parquet or JSON Lines into a dataset with Spark. */
package dev.lazyarrow.spark.example;
