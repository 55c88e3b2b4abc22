package dev.lazyarrow.parquet;

import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.SourceFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** Apache Parquet as a source format, read with Parquet-MR; the core finds it by its service. */
public final class ParquetFormat implements SourceFormat {
  /** The format that Hub Parquet splits are recorded in. */
  static final ParquetFormat INSTANCE = new ParquetFormat();

  /** Made by {@link java.util.ServiceLoader}, for the core's format search. */
  public ParquetFormat() {}

  @Override
  public String layout() {
    return "parquet_file";
  }

  @Override
  public List<String> extensions() {
    return List.of(".parquet");
  }

  @Override
  public BatchReader open(Path file, BufferAllocator allocator, long batchBytes)
      throws IOException {
    return ParquetBatches.open(file, allocator, batchBytes);
  }

  @Override
  public String toString() {
    return "Parquet";
  }
}
