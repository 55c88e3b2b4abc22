package dev.lazyarrow.convert;

import dev.lazyarrow.LazyArrowException;
import dev.lazyarrow.io.HeapChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;

/**
 * The messages of an Arrow IPC stream source, each checked against the file before Arrow reads it.
 *
 * <p>A stream is a sequence of messages, each {@code [0xFFFFFFFF] int32 length, flatbuffer Message
 * of that length, body of Message.bodyLength bytes}, ended by a length of 0 (the end-of-stream
 * marker) or by the end of the file. Arrow's own reader takes any length of 0 for the end, so a
 * damaged length silently drops the rows after it, and it allocates whatever a length says. Here,
 * before Arrow reads a message: a length of 0 must be the last bytes of the file; a length must fit
 * in the rest of the file and in {@value #MAX_METADATA} bytes; and the body the message declares
 * must fit in the rest of the file.
 */
final class SourceMessages extends MessageChannelReader {
  /** The most metadata bytes one message may have: a schema of some 100,000 columns. */
  static final int MAX_METADATA = 64 << 20;

  private static final int CONTINUATION = 0xFFFFFFFF;

  private final Path file;
  private final FileChannel channel;
  private final long size;

  SourceMessages(Path file, FileChannel channel, BufferAllocator allocator) throws IOException {
    super(HeapChannels.reading(channel), allocator);
    this.file = file;
    this.channel = channel;
    this.size = channel.size();
  }

  @Override
  public MessageResult readNext() throws IOException {
    long at = in.bytesRead();
    long left = size - at;
    if (left == 0) {
      return null; // a stream may end without the marker
    }
    ByteBuffer head = read(at, (int) Math.min(8, left));
    boolean continued = head.limit() >= 4 && head.getInt(0) == CONTINUATION;
    int prefix = continued ? 8 : 4;
    if (head.limit() < prefix) {
      throw new LazyArrowException(
          file, "stream truncated: " + left + " stray bytes at offset " + at);
    }
    int length = head.getInt(prefix - 4);
    if (length == 0) {
      if (left != prefix) {
        throw new LazyArrowException(
            file,
            "end-of-stream marker at offset "
                + at
                + " but "
                + (left - prefix)
                + " more bytes follow: a damaged message length would drop the rows after it");
      }
      return super.readNext();
    }
    if (length < 0 || length > left - prefix || length > MAX_METADATA) {
      throw new LazyArrowException(
          file,
          "message at offset "
              + at
              + " claims "
              + Integer.toUnsignedString(length)
              + " bytes of metadata; the file has "
              + (left - prefix)
              + " left (at most "
              + MAX_METADATA
              + " are read)");
    }
    long body;
    try {
      body = Message.getRootAsMessage(read(at + prefix, length)).bodyLength();
    } catch (RuntimeException e) {
      throw new LazyArrowException(
          file, "message at offset " + at + " is not a valid flatbuffer: " + e, e);
    }
    long rest = left - prefix - length;
    if (body < 0 || body > rest) {
      throw new LazyArrowException(
          file,
          "message at offset "
              + at
              + " declares a body of "
              + body
              + " bytes; the file has "
              + rest
              + " left");
    }
    return super.readNext();
  }

  private ByteBuffer read(long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, position + buffer.position()) < 0) {
        throw new LazyArrowException(file, "stream truncated at offset " + position);
      }
    }
    return buffer.flip();
  }
}
