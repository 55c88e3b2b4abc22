package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.HeapChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The messages of an Arrow IPC stream source, each checked against the file before Arrow reads it.
 *
 * <p>A stream is a sequence of messages, each {@code [0xFFFFFFFF] int32 length, flatbuffer Message
 * of that length, body of Message.bodyLength bytes}, ended by a length of 0 (the end-of-stream
 * marker) or by the end of the file. Arrow's own reader takes any length of 0 for the end, so a
 * damaged length silently drops the rows after it, and it allocates whatever a length says. Here,
 * before Arrow reads a message: a length of 0 must be the last bytes of the file; a length must fit
 * in the rest of the file and in {@value #MAX_METADATA} bytes; and the body the message declares
 * must fit in the rest of the file. A record batch must add up ({@link #checkBatch}): Arrow would
 * otherwise stretch every column to the batch's length, inventing rows.
 */
public final class SourceMessages extends MessageChannelReader {
  /** The most metadata bytes one message may have: a schema of some 100,000 columns. */
  static final int MAX_METADATA = ShardFooter.MAX_METADATA;


  private final Path file;
  private final FileChannel channel;
  private final long size;
  private int[] columnNodes;

  public SourceMessages(Path file, FileChannel channel, BufferAllocator allocator) throws IOException {
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
    ByteBuffer head = read(at, (int) Math.min(Framing.MAX_PREFIX, left));
    Framing.Prefix framing = Framing.prefix(file, at, head, left, MAX_METADATA);
    int prefix = framing.bytes();
    int length = framing.metadataLength();
    if (framing.endOfStream()) {
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
    long body;
    try {
      Message message = Message.getRootAsMessage(read(at + prefix, length));
      body = message.bodyLength();
      if (message.headerType() == MessageHeader.Schema) {
        // Every schema message is checked before Arrow's recursive conversion touches it.
        Schema schema = StreamWalk.schema(file, message);
        columnNodes = columnNodes == null ? columnNodes(schema) : columnNodes;
      } else if (message.headerType() == MessageHeader.RecordBatch && columnNodes != null) {
        checkBatch(file, at, (RecordBatch) message.header(new RecordBatch()), columnNodes);
      }
    } catch (LazyArrowException e) {
      throw e;
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

  /**
   * Returns, for each column of {@code schema}, the number of field nodes it takes: one for each
   * field of its tree, and one for a dictionary-encoded column (its indices).
   */
  public static int[] columnNodes(Schema schema) {
    return schema.getFields().stream().mapToInt(SourceMessages::nodes).toArray();
  }

  private static int nodes(Field field) {
    return field.getDictionary() != null
        ? 1
        : 1 + field.getChildren().stream().mapToInt(SourceMessages::nodes).sum();
  }

  /**
   * Refuses a record batch that does not add up: its field nodes must be as many as the schema's
   * columns take, each with a null count between 0 and its length, and each column's own node must
   * hold the batch's row count, which must be at most {@value Integer#MAX_VALUE}.
   */
  public static void checkBatch(Path file, long offset, RecordBatch batch, int[] columnNodes) {
    long rows = batch.length();
    int expected = Arrays.stream(columnNodes).sum();
    String where = "record batch at offset " + offset;
    if (rows < 0 || rows > Integer.MAX_VALUE) {
      throw new LazyArrowException(file, where + " claims " + rows + " rows");
    }
    if (batch.nodesLength() != expected) {
      throw new LazyArrowException(
          file,
          where + " has " + batch.nodesLength() + " field nodes; its schema needs " + expected);
    }
    FieldNode node = new FieldNode();
    for (int i = 0; i < expected; i++) {
      batch.nodes(node, i);
      if (node.length() < 0 || node.nullCount() < 0 || node.nullCount() > node.length()) {
        throw new LazyArrowException(
            file,
            where
                + ": field node "
                + i
                + " has length "
                + node.length()
                + " and null count "
                + node.nullCount());
      }
    }
    int at = 0;
    for (int c = 0; c < columnNodes.length; c++) {
      long length = batch.nodes(node, at).length();
      if (length != rows) {
        throw new LazyArrowException(
            file, where + " says " + rows + " rows but column " + c + " holds " + length);
      }
      at += columnNodes[c];
    }
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
