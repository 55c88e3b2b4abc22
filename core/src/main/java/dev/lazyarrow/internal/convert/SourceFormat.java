package dev.lazyarrow.internal.convert;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A file format that conversion sources hold, with its reader: Arrow IPC and JSON Lines in the core,
 * Parquet in {@code lazyarrow-parquet}, found with {@link java.util.ServiceLoader}.
 */
public interface SourceFormat {
  /** Returns the layout a source of one such file is recorded as, such as {@code arrow_file}. */
  String layout();

  /** Returns the endings, lower case with the dot, of the files in this format. */
  List<String> extensions();

  /**
   * Opens {@code file} for reading in batches of about {@code batchBytes} where the format lets.
   */
  BatchReader open(Path file, BufferAllocator allocator, long batchBytes) throws IOException;
}
