package dev.lazyarrow.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;

/**
 * The bytes of one shard, read by position: a local file, or an object in object storage (an
 * {@link ObjectStore} opens those). Every read is of an exact range; a source that cannot be
 * mapped returns no {@link #channel}, and its record batches are fetched whole instead.
 *
 * <p>Implementations are thread-safe.
 */
public interface ByteSource extends AutoCloseable {
  /** Opens a source on a shard's first touch. */
  @FunctionalInterface
  interface Opener {
    /**
     * Opens the source, reading what its identity needs (attributes, or an object's tail).
     *
     * @throws IOException if it cannot be reached
     * @throws dev.lazyarrow.format.LazyArrowException if it is missing or not what a shard must be
     */
    ByteSource open() throws IOException;
  }

  /** Returns the name errors give: the file, or {@code s3://bucket/key} for an object. */
  Path name();

  /** Returns the size in bytes, as found when opened. */
  long size();

  /**
   * Returns what identifies these bytes as they were when opened: a changed file or object has
   * another identity, so a cache keyed by it never serves old bytes for new ones.
   */
  String identity();

  /** Returns the file to map, or null if this source cannot be mapped (a remote object). */
  FileChannel channel();

  /**
   * Returns the gap below which two ranges are best read as one: what reading the bytes between
   * them costs less than another request.
   */
  long gap();

  /**
   * Fills {@code target} from the bytes at {@code position}.
   *
   * @throws IOException if the range lies past the end or cannot be read
   * @throws dev.lazyarrow.format.LazyArrowException if the bytes changed since the source was opened
   */
  void readFully(long position, ByteBuffer target) throws IOException;

  /**
   * Appends {@code length} bytes at {@code position} to {@code target}, from its writer index on,
   * in one request where the source makes requests.
   *
   * @throws IOException if the range lies past the end or cannot be read
   */
  void read(long position, ArrowBuf target, long length) throws IOException;

  /**
   * Checks that the bytes are still those found when opened, where that can be seen without a read
   * (a file's size and time); a remote object is checked on every read instead.
   *
   * @throws dev.lazyarrow.format.LazyArrowException if they changed
   */
  void checkUnchanged();

  /** Releases the file or connection. */
  @Override
  void close();
}
