package dev.lazyarrow.spark;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.internal.format.Manifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SQLContext;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.execution.datasources.DataSourceUtils;
import org.apache.spark.sql.sources.BaseRelation;
import org.apache.spark.sql.sources.CreatableRelationProvider;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The Spark data source {@code format("lazyarrow")}: writes a DataFrame into a LazyArrow dataset
 * directory and reads a split of one back as a DataFrame.
 *
 * <pre>
 * df.write.format("lazyarrow").option("split", "train").save(path)
 * df.write.format("lazyarrow").mode("append").option("split", "test").save(path)
 * spark.read.format("lazyarrow").option("split", "train").load(path)
 * </pre>
 *
 * <p>Write options are listed on {@code WriteSpec}: {@code split} or {@code splitColumn}, {@code
 * batchBytes}, {@code shardBytes}, {@code compression}, {@code classLabel.COLUMN} and {@code
 * features}. Every save mode works as it does for Parquet; what "exists" means for a dataset of
 * several splits is on {@code ExistingSplits}. Reads give one input partition per shard, read
 * zero-copy from the memory-mapped shards, and only the columns the query uses.
 */
public final class LazyArrowSource
    implements TableProvider, DataSourceRegister, CreatableRelationProvider {
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
    boolean writable = new CaseInsensitiveStringMap(properties).containsKey(WriteSpec.SAVE_MODE);
    return new LazyArrowTable(schema, properties.get("path"), writable);
  }

  /**
   * Writes {@code data} into the dataset at the option {@code path} in any save mode.
   *
   * <p>Spark lets a path-based DataSource V2 table be written in the modes append and overwrite
   * only; for a table that does not declare batch writes it calls this V1 entry point with every
   * mode instead, as it does for its own file sources. Here errorifexists and ignore look at the
   * dataset first, and the rows then take the table's one write path (staging, commit, manifest
   * last) as an append or an overwrite that carries the mode, so that its commit looks again. In
   * mode errorifexists a split that exists fails the write with Spark's {@code AnalysisException},
   * as Spark's own file sources do; the signature Spark gives this method cannot declare it.
   *
   * @throws IllegalArgumentException naming the option whose value is missing or bad
   */
  @Override
  public BaseRelation createRelation(
      SQLContext context,
      SaveMode mode,
      scala.collection.immutable.Map<String, String> parameters,
      Dataset<Row> data) {
    Map<String, String> options = CollectionConverters.asJava(parameters);
    CaseInsensitiveStringMap checked = new CaseInsensitiveStringMap(options);
    String partitionBy = checked.get(DataSourceUtils.PARTITIONING_COLUMNS_KEY());
    if (partitionBy != null) {
      throw new IllegalArgumentException(
          "lazyarrow writes no partition folders, found partitionBy "
              + partitionBy
              + ": give the option splitColumn to write a split per value");
    }
    WriteSpec spec = WriteSpec.of(checked, data.schema());
    boolean skip = false;
    if (mode == SaveMode.ErrorIfExists || mode == SaveMode.Ignore) {
      Path dir = Paths.local(spec.path()).toAbsolutePath().normalize();
      List<String> found = ExistingSplits.in(ExistingSplits.read(dir), spec);
      if (!found.isEmpty() && mode == SaveMode.ErrorIfExists) {
        ExistingSplits.throwAlreadyExists(dir, found);
      }
      skip = !found.isEmpty();
    }
    if (!skip) {
      data.write()
          .format(NAME)
          .mode(mode == SaveMode.Overwrite ? SaveMode.Overwrite : SaveMode.Append)
          .options(options)
          .option(WriteSpec.SAVE_MODE, mode.name())
          .save();
    }
    StructType schema = data.schema();
    return new BaseRelation() {
      @Override
      public SQLContext sqlContext() {
        return context;
      }

      @Override
      public StructType schema() {
        return schema;
      }
    };
  }

  /**
   * Accepts every type here and leaves the check to the write, which refuses what it cannot store
   * naming the column: Spark's default refuses the interval types, which its Arrow conversion maps.
   */
  @Override
  public boolean supportsDataType(DataType type) {
    return true;
  }

  /** Lets writes pass the DataFrame's schema, so that writing never reads the target. */
  @Override
  public boolean supportsExternalMetadata() {
    return true;
  }
}
