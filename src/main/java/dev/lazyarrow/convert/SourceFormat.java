package dev.lazyarrow.convert;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/** The file formats that sources hold, each with its reader. */
enum SourceFormat {
  /** Arrow IPC, stream or file format, compressed or not. */
  ARROW("Arrow IPC") {
    @Override
    BatchReader open(Path file, BufferAllocator allocator, long batchBytes) throws IOException {
      return ArrowBatches.open(file, allocator);
    }
  },
  /** Apache Parquet, read with Parquet-MR. */
  PARQUET("Parquet") {
    @Override
    BatchReader open(Path file, BufferAllocator allocator, long batchBytes) throws IOException {
      OptionalDependencies.require(file, "Reading Parquet", OptionalDependencies.PARQUET);
      return ParquetBatches.open(file, allocator, batchBytes);
    }
  },
  /** One JSON object a line, types inferred as the datasets json builder infers them. */
  JSON_LINES("JSON Lines") {
    @Override
    BatchReader open(Path file, BufferAllocator allocator, long batchBytes) throws IOException {
      return JsonLinesBatches.open(file, allocator, batchBytes);
    }
  };

  private final String description;

  SourceFormat(String description) {
    this.description = description;
  }

  /**
   * Opens {@code file} for reading in batches of about {@code batchBytes} where the format lets.
   */
  abstract BatchReader open(Path file, BufferAllocator allocator, long batchBytes)
      throws IOException;

  @Override
  public String toString() {
    return description;
  }
}
