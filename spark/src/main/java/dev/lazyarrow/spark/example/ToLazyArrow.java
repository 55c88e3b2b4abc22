package dev.lazyarrow.spark.example;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Converts a Parquet or JSON Lines source into a LazyArrow dataset with Spark: {@code SOURCE OUT
 * [SPLIT]}. Runs on a local session ({@code local[*]}) unless {@code spark-submit} gave a master.
 *
 * <p>SOURCE is a Parquet file or folder, or a {@code .jsonl}, {@code .json} or {@code .ndjson} file
 * or folder of them; OUT is replaced.
 */
public final class ToLazyArrow {
  private ToLazyArrow() {}

  /** Runs the conversion; exits with status 2 on wrong arguments. */
  public static void main(String[] args) throws IOException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: ToLazyArrow SOURCE OUT [SPLIT]  (SOURCE: Parquet or JSON Lines)");
      System.exit(2);
    }
    String source = args[0];
    String out = args[1];
    String split = args.length == 3 ? args[2] : "train";
    SparkSession.Builder builder = SparkSession.builder().appName("lazyarrow convert " + source);
    if (!System.getProperties().containsKey("spark.master")) {
      builder.master("local[*]");
    }
    try (SparkSession spark = builder.getOrCreate()) {
      String name = source.toLowerCase(Locale.ROOT);
      Dataset<Row> df =
          name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")
              ? spark.read().json(source)
              : spark.read().parquet(source);
      long start = System.nanoTime();
      df.write().format("lazyarrow").mode("overwrite").option("split", split).save(out);
      double seconds = (System.nanoTime() - start) / 1e9;
      try (LazyDataset ds = LazyDataset.open(Path.of(out))) {
        Split written = ds.split(split);
        System.out.printf(
            "wrote %d rows of %s into %s, split %s: %.1f MB of shards in %.1f s, %.1f MB/s%n",
            written.size(),
            source,
            out,
            split,
            written.bytes() / 1e6,
            seconds,
            written.bytes() / 1e6 / seconds);
      }
    }
  }
}
