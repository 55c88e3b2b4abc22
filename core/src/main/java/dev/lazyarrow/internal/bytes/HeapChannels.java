package dev.lazyarrow.internal.bytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;

/**
 * Arrow IPC channels that move buffer bytes through a heap array instead of a direct {@code
 * ByteBuffer} view of the Arrow buffer.
 *
 * <p>Arrow's own channels wrap each {@link ArrowBuf} with {@code ArrowBuf.nioBuffer}, which calls a
 * private {@code DirectByteBuffer} constructor by reflection and therefore fails unless the JVM
 * runs with {@code --add-opens=java.base/java.nio=ALL-UNNAMED}. Copying through a bounded heap
 * chunk costs one extra memory copy of data that is on its way to or from a file anyway.
 */
public final class HeapChannels {
  private static final int CHUNK = 1 << 20;

  private HeapChannels() {}

  /** Returns an IPC read channel over {@code in} that fills Arrow buffers without reflection. */
  public static ReadChannel reading(ReadableByteChannel in) {
    return new ReadChannel(in) {
      @Override
      public long readFully(ArrowBuf buffer, long length) throws IOException {
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(length, 0))];
        long read = 0;
        while (read < length) {
          int want = (int) Math.min(chunk.length, length - read);
          int n = readFully(ByteBuffer.wrap(chunk, 0, want));
          buffer.setBytes(buffer.writerIndex(), chunk, 0, n);
          buffer.writerIndex(buffer.writerIndex() + n);
          read += n;
          if (n < want) {
            break;
          }
        }
        return read;
      }
    };
  }

  /** Returns an IPC write channel over {@code out} that drains Arrow buffers without reflection. */
  public static WriteChannel writing(WritableByteChannel out) {
    return new WriteChannel(out) {
      @Override
      public void write(ArrowBuf buffer) throws IOException {
        long index = buffer.readerIndex();
        long left = buffer.readableBytes();
        byte[] chunk = new byte[(int) Math.min(CHUNK, left)];
        while (left > 0) {
          int n = (int) Math.min(chunk.length, left);
          buffer.getBytes(index, chunk, 0, n);
          write(ByteBuffer.wrap(chunk, 0, n));
          index += n;
          left -= n;
        }
      }
    };
  }
}
