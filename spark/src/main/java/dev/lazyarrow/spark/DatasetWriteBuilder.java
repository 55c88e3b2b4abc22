package dev.lazyarrow.spark;

import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;

/** Builds the write of a DataFrame into a dataset: append, or overwrite (truncate) the dataset. */
final class DatasetWriteBuilder implements WriteBuilder, SupportsTruncate, Write {
  private final LogicalWriteInfo info;
  private boolean truncate;

  DatasetWriteBuilder(LogicalWriteInfo info) {
    this.info = info;
  }

  @Override
  public WriteBuilder truncate() {
    truncate = true;
    return this;
  }

  @Override
  public Write build() {
    return this;
  }

  @Override
  public String description() {
    return "lazyarrow " + info.options().get("path") + (truncate ? " (overwrite)" : " (append)");
  }

  @Override
  public BatchWrite toBatch() {
    return new DatasetCommit(
        WriteSpec.of(info.options(), info.schema()), info.schema(), info.queryId(), truncate);
  }
}
