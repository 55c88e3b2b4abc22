package dev.lazyarrow.internal.convert;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The record batches of one source file, read one at a time into {@link #root()}.
 *
 * <p>Every format reads through this, so that the converter streams any source the same way: one
 * batch in memory at a time, of a bounded number of bytes.
 */
public interface BatchReader extends AutoCloseable {
  /** Returns the schema of every batch, dictionary-encoded columns decoded to their values. */
  Schema schema();

  /** Loads the next batch into {@link #root()}, returning false at the end of the file. */
  boolean next() throws IOException;

  /** Returns the current batch, valid until the next call to {@link #next} or {@link #close}. */
  VectorSchemaRoot root();

  /** Returns how many bytes of the file have been consumed, for progress reports. */
  long bytesRead();

  @Override
  void close() throws IOException;
}
