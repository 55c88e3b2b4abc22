package dev.lazyarrow.spark;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.format.Manifest;
import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The Spark data source {@code format("lazyarrow")}: writes a DataFrame into a LazyArrow dataset
 * directory and reads a split of one back as a DataFrame.
 *
 * <pre>
 * df.write.format("lazyarrow").mode("overwrite").option("split", "train").save(path)
 * df.write.format("lazyarrow").mode("append").option("split", "test").save(path)
 * spark.read.format("lazyarrow").option("split", "train").load(path)
 * </pre>
 *
 * <p>Write options are listed on {@code WriteSpec}: {@code split} or {@code splitColumn}, {@code
 * batchBytes}, {@code shardBytes}, {@code compression}, {@code classLabel.COLUMN} and {@code
 * features}. Spark accepts only the modes append and overwrite for this kind of source. Reads give
 * one input partition per shard, read zero-copy from the memory-mapped shards, and only the columns
 * the query uses.
 */
public final class LazyArrowSource implements TableProvider, DataSourceRegister {
  /** The name to give {@code format(...)}. */
  public static final String NAME = "lazyarrow";

  /** Creates the source; Spark does, through {@link java.util.ServiceLoader}. */
  public LazyArrowSource() {}

  @Override
  public String shortName() {
    return NAME;
  }

  /** Returns the schema of the split to read, from the first shard's footer. */
  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    ReadSpec spec = ReadSpec.of(options);
    try (LazyDataset ds = LazyDataset.open(spec.dir())) {
      String split = spec.entry(Manifest.read(spec.dir())).name();
      return SparkArrow.fromArrow(ds.split(split).schema(), spec.path());
    }
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new LazyArrowTable(schema, properties.get("path"));
  }

  /** Lets writes pass the DataFrame's schema, so that writing never reads the target. */
  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }
}
