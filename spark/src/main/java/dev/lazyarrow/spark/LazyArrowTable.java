package dev.lazyarrow.spark;

import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A dataset directory as a Spark table: one split read at a time; written by append or overwrite
 * when the write comes from {@code LazyArrowSource.createRelation}, which handles every save mode.
 */
final class LazyArrowTable implements SupportsRead, SupportsWrite {
  private final StructType schema;
  private final String path;
  private final boolean writable;

  LazyArrowTable(StructType schema, String path, boolean writable) {
    this.schema = schema;
    this.path = path;
    this.writable = writable;
  }

  @Override
  public String name() {
    return "lazyarrow " + path;
  }

  @Override
  @SuppressWarnings("deprecation") // columns() is derived from it by default
  public StructType schema() {
    return schema;
  }

  @Override
  public Set<TableCapability> capabilities() {
    // Without batch writes Spark hands a user's write, in whichever mode, to createRelation.
    return writable
        ? EnumSet.of(
            TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE)
        : EnumSet.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return new ShardScan(ReadSpec.of(options), schema);
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    return new DatasetWriteBuilder(info);
  }
}
