package dev.lazyarrow.internal.bytes;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads bytes by position: the one operation that footers, stream walks and checksums need of a
 * shard's bytes, whether a file channel or a {@link dev.lazyarrow.spi.ByteSource} ({@code
 * source::readFully}) holds them.
 */
@FunctionalInterface
public interface Positional {
  /**
   * Fills {@code target} from the bytes at {@code position}.
   *
   * @throws IOException if the range lies past the end or cannot be read
   */
  void readFully(long position, ByteBuffer target) throws IOException;

  /** Returns the positional reads of {@code channel}. */
  static Positional of(FileChannel channel) {
    return (position, target) -> readFully(channel, position, target);
  }

  /**
   * Fills {@code target} from the bytes of {@code channel} at {@code position}.
   *
   * @throws EOFException if the file ends first
   */
  static void readFully(FileChannel channel, long position, ByteBuffer target) throws IOException {
    int start = target.position();
    while (target.hasRemaining()) {
      if (channel.read(target, position + target.position() - start) < 0) {
        throw new EOFException("end of file at " + (position + target.position() - start));
      }
    }
  }
}
