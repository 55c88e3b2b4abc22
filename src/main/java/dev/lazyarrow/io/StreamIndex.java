package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import dev.lazyarrow.format.Manifest;
import dev.lazyarrow.format.SafeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The index of Arrow IPC <em>stream</em> files served in place: where each record batch lies, found
 * once by walking the message headers, so that a stream is read like a file with a footer.
 *
 * <p>An IPC stream is a schema message, then dictionary and record batch messages, then an optional
 * end-of-stream marker (a 0xFFFFFFFF continuation and a zero length). Each message is a
 * continuation marker (absent before Arrow 1.0), an int32 metadata length, the {@code Message}
 * flatbuffer, then a body of the length the flatbuffer gives. Walking it reads each header and
 * skips each body.
 *
 * <p>The sidecar {@value Manifest#INDEX_FILE_NAME}, beside the manifest, little-endian, in read
 * order:
 *
 * <pre>
 * "LAINDEX1"                         MAGIC, at offset 0
 * then one entry per stream shard, at the offset and of the length its manifest entry gives:
 *   int64 bytes                      the stream's size when indexed (equals the manifest's)
 *   int64 modified                   its modification time in ns when indexed (equals the manifest's)
 *   int32 schema metadata length     the schema message at offset 0, prefix included
 *   int32 B                          the number of record batches
 *   B x {int64 offset,               where the batch's message starts
 *        int32 metadata length,      prefix and flatbuffer
 *        int64 body length,
 *        int32 rows}
 * </pre>
 *
 * <p>The index is trusted only while the stream's size and modification time are those recorded;
 * otherwise {@link #read} refuses it, and every block is checked against the file before mapping.
 */
public final class StreamIndex {
  /** The sidecar's first bytes. */
  public static final byte[] MAGIC = "LAINDEX1".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of an entry before its batches. */
  public static final int ENTRY_HEADER = 8 + 8 + 4 + 4;

  /** Bytes of one batch in an entry. */
  public static final int BATCH_BYTES = 8 + 4 + 8 + 4;

  private static final int CONTINUATION = 0xFFFFFFFF;

  private StreamIndex() {}

  /**
   * What walking one stream found: its size and modification time, its schema message's length, and
   * each record batch's block and rows.
   */
  public record Entry(
      long bytes,
      long modifiedNanos,
      Schema schema,
      int schemaLength,
      List<ArrowBlock> batches,
      long[] rows) {}

  /**
   * Walks the message headers of the IPC stream {@code file}, skipping bodies.
   *
   * @throws LazyArrowException if the file is not an IPC stream, is truncated, holds dictionaries
   *     (served in place only without them) or changed while it was walked
   */
  public static Entry walk(Path file) throws IOException {
    BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
    long size = before.size();
    List<ArrowBlock> batches = new ArrayList<>();
    List<Long> rows = new ArrayList<>();
    Schema schema = null;
    int schemaLength = 0;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = 0;
      while (position + 4 <= size) {
        ByteBuffer head =
            ShardFooter.readFully(channel, position, (int) Math.min(8, size - position));
        boolean continued = head.getInt(0) == CONTINUATION;
        int prefix = continued ? 8 : 4;
        if (continued && head.limit() < 8) {
          throw new LazyArrowException(file, "stream truncated at offset " + position);
        }
        int length = continued ? head.getInt(4) : head.getInt(0);
        if (length == 0) {
          break; // the end-of-stream marker
        }
        if (length < 0 || position + prefix + length > size) {
          throw new LazyArrowException(
              file,
              "message at offset "
                  + position
                  + " claims "
                  + length
                  + " bytes of metadata; the file has "
                  + (size - position - prefix)
                  + " left");
        }
        ByteBuffer meta = ShardFooter.readFully(channel, position, prefix + length);
        Message message =
            Message.getRootAsMessage(
                meta.slice(prefix, length).order(java.nio.ByteOrder.LITTLE_ENDIAN));
        ArrowBlock block = new ArrowBlock(position, prefix + length, message.bodyLength());
        long end = position + prefix + length + message.bodyLength();
        if (message.bodyLength() < 0 || end > size) {
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
          schema = MessageSerializer.deserializeSchema(message);
          schemaLength = prefix + length;
        } else if (message.headerType() == MessageHeader.RecordBatch) {
          batches.add(block);
          rows.add(ShardFooter.recordBatch(file, block, message).length());
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
        nanos(before.lastModifiedTime()),
        schema,
        schemaLength,
        batches,
        rows.stream().mapToLong(Long::longValue).toArray());
  }

  /** Returns a modification time as the manifest and the sidecar record it. */
  public static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }

  /**
   * Reads the index entry of the stream {@code file}, open as {@code channel}, after checking that
   * the file is still what was indexed.
   */
  static BlockTable read(
      Path file,
      FileChannel channel,
      long size,
      FileTime modified,
      long expectedBytes,
      Manifest.Stream stream,
      Path indexFile)
      throws IOException {
    if (size != expectedBytes || nanos(modified) != stream.modifiedNanos()) {
      throw new LazyArrowException(
          file,
          "stream changed since it was indexed: it was "
              + expectedBytes
              + " bytes modified "
              + FileTime.from(stream.modifiedNanos(), TimeUnit.NANOSECONDS)
              + ", it is "
              + size
              + " bytes modified "
              + modified
              + "; run 'lazyarrow index' again");
    }
    ByteBuffer entry = readEntry(indexFile, stream);
    long bytes = entry.getLong(0);
    long indexedModified = entry.getLong(8);
    int schemaLength = entry.getInt(16);
    int count = entry.getInt(20);
    if (bytes != size
        || indexedModified != stream.modifiedNanos()
        || count < 0
        || entry.limit() != ENTRY_HEADER + (long) count * BATCH_BYTES) {
      throw new LazyArrowException(
          indexFile,
          "entry for "
              + file.getFileName()
              + " at offset "
              + stream.indexOffset()
              + " does not match the manifest (index rewritten or corrupt)");
    }
    List<ArrowBlock> batches = new ArrayList<>(count);
    long[] rows = new long[count];
    for (int i = 0; i < count; i++) {
      int at = ENTRY_HEADER + i * BATCH_BYTES;
      batches.add(new ArrowBlock(entry.getLong(at), entry.getInt(at + 8), entry.getLong(at + 12)));
      rows[i] = entry.getInt(at + 20);
    }
    ShardFooter.checkBlocks(file, batches, "record batch", size);
    ArrowBlock schemaBlock = new ArrowBlock(0, schemaLength, 0);
    if (schemaLength < 8 || schemaLength > size) {
      throw new LazyArrowException(
          indexFile,
          "schema length "
              + schemaLength
              + " of "
              + file.getFileName()
              + " does not fit in "
              + size
              + " bytes");
    }
    Message message =
        ShardFooter.message(file, schemaBlock, ShardFooter.readFully(channel, 0, schemaLength));
    if (message.headerType() != MessageHeader.Schema) {
      throw new LazyArrowException(file, "the first message is not a schema");
    }
    return new BlockTable(
        MessageSerializer.deserializeSchema(message),
        List.of(),
        batches,
        BlockTable.starts(file, rows));
  }

  private static ByteBuffer readEntry(Path indexFile, Manifest.Stream stream) throws IOException {
    try (FileChannel channel = SafeFiles.openUnlinked(indexFile)) {
      long end = stream.indexOffset() + stream.indexLength();
      if (stream.indexOffset() < MAGIC.length
          || stream.indexLength() < ENTRY_HEADER
          || end > channel.size()) {
        throw new LazyArrowException(
            indexFile,
            "entry range ["
                + stream.indexOffset()
                + ", "
                + end
                + ") lies outside the index of "
                + channel.size()
                + " bytes");
      }
      if (!ByteBuffer.wrap(MAGIC).equals(ShardFooter.readFully(channel, 0, MAGIC.length))) {
        throw new LazyArrowException(indexFile, "wrong magic: not a LazyArrow stream index");
      }
      return ShardFooter.readFully(channel, stream.indexOffset(), stream.indexLength());
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(indexFile, "the stream index is missing; run 'lazyarrow index'");
    }
  }
}
