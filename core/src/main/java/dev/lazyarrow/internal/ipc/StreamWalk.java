package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Walks the messages of an Arrow IPC <em>stream</em> file once, for {@link StreamIndex}: where each
 * record batch lies, its rows, and the CRC32C of each message.
 *
 * <p>An IPC stream is a schema message, then dictionary and record batch messages, then an optional
 * end-of-stream marker (a 0xFFFFFFFF continuation and a zero length) that must end the file. Each
 * message is a continuation marker (absent before Arrow 1.0), an int32 metadata length, the {@code
 * Message} flatbuffer, then a body of the length the flatbuffer gives.
 */
public final class StreamWalk {

  private StreamWalk() {}

  /**
   * What walking one stream found: its size and modification time, its schema message's length and
   * CRC32C, and each record batch's block, rows and CRC32C (of its message and body).
   */
  public record Entry(
      long bytes,
      long modifiedNanos,
      Schema schema,
      int schemaLength,
      int schemaCrc,
      List<ArrowBlock> batches,
      long[] rows,
      int[] crcs) {}

  /**
   * Walks the IPC stream {@code file}, reading every byte once to checksum it.
   *
   * @throws LazyArrowException if the file is not a regular file or not an IPC stream, is
   *     truncated, holds dictionaries (served in place only without them), a batch of more than
   *     {@link Integer#MAX_VALUE} rows, bytes after its end-of-stream marker, or changed while it
   *     was walked
   */
  public static Entry walk(Path file) throws IOException {
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    long size = before.size();
    List<ArrowBlock> batches = new ArrayList<>();
    List<Long> rows = new ArrayList<>();
    List<Integer> crcs = new ArrayList<>();
    Schema schema = null;
    int schemaLength = 0;
    int schemaCrc = 0;
    try (FileChannel channel = SafeFiles.openRegular(file)) {
      long position = 0;
      while (position + 4 <= size) {
        ByteBuffer head =
            ShardFooter.readFully(
                channel, position, (int) Math.min(Framing.MAX_PREFIX, size - position));
        Framing.Prefix framing =
            Framing.prefix(file, position, head, size - position, ShardFooter.MAX_METADATA);
        int prefix = framing.bytes();
        int length = framing.metadataLength();
        if (framing.endOfStream()) {
          if (position + prefix != size) {
            throw new LazyArrowException(
                file,
                "end-of-stream marker at offset "
                    + position
                    + ", but the file goes on for "
                    + (size - position - prefix)
                    + " bytes");
          }
          break;
        }
        ByteBuffer meta = ShardFooter.readFully(channel, position, prefix + length);
        Message message =
            Message.getRootAsMessage(meta.slice(prefix, length).order(ByteOrder.LITTLE_ENDIAN));
        ArrowBlock block = new ArrowBlock(position, prefix + length, message.bodyLength());
        long end = position + prefix + length + message.bodyLength();
        if (message.bodyLength() < 0 || end > size || end < position) {
          throw new LazyArrowException(
              file,
              "message at offset "
                  + position
                  + " has a body of "
                  + message.bodyLength()
                  + " bytes, past the end of the file ("
                  + size
                  + " bytes)");
        }
        if (schema == null) {
          if (message.headerType() != MessageHeader.Schema) {
            throw new LazyArrowException(
                file,
                "not an Arrow IPC stream: the first message is of type "
                    + message.headerType()
                    + ", not a schema");
          }
          schema = schema(file, message);
          schemaLength = prefix + length;
          schemaCrc = Checksums.crc(channel, 0, prefix + length);
        } else if (message.headerType() == MessageHeader.RecordBatch) {
          long batchRows = ShardFooter.recordBatch(file, block, message).length();
          if (batchRows < 0 || batchRows > Integer.MAX_VALUE) {
            throw new LazyArrowException(
                file, "record batch at offset " + position + " claims " + batchRows + " rows");
          }
          batches.add(block);
          rows.add(batchRows);
          crcs.add(Checksums.crc(channel, position, end - position));
        } else {
          throw new LazyArrowException(
              file,
              "message at offset "
                  + position
                  + " is of type "
                  + message.headerType()
                  + ": only streams of record batches (no dictionaries) are"
                  + " served in place; convert this one instead");
        }
        position = end;
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new LazyArrowException(file, "corrupt Arrow IPC stream: " + e, e);
    }
    if (schema == null) {
      throw new LazyArrowException(file, "not an Arrow IPC stream: no schema message");
    }
    BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class);
    if (after.size() != size || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
      throw new LazyArrowException(file, "file changed while it was indexed");
    }
    return new Entry(
        size,
        StreamIndex.nanos(before.lastModifiedTime()),
        schema,
        schemaLength,
        schemaCrc,
        batches,
        rows.stream().mapToLong(Long::longValue).toArray(),
        crcs.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Converts a schema message after checking its shape. */
  static Schema schema(Path file, Message message) {
    SchemaCheck.check(
        file,
        (org.apache.arrow.flatbuf.Schema) message.header(new org.apache.arrow.flatbuf.Schema()));
    return MessageSerializer.deserializeSchema(message);
  }
}
