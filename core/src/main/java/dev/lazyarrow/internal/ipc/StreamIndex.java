package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.HeapLimits;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * The index of Arrow IPC <em>stream</em> files served in place: where each record batch lies, found
 * once by {@link StreamWalk}, so that a stream is read like a file with a footer.
 *
 * <p>The sidecar {@value Manifest#INDEX_FILE_NAME}, beside the manifest, little-endian, in read
 * order:
 *
 * <pre>
 * "LAINDEX2"                         MAGIC ("LAINDEX1": the same without the checksums marked *)
 * then one entry per stream shard, at the offset and of the length its manifest entry gives:
 *   int64 bytes                      the stream's size when indexed (equals the manifest's)
 *   int64 modified                   its modification time in ns when indexed (equals the manifest's)
 *   int32 schema metadata length     the schema message at offset 0, prefix included
 *   int32 B                          the number of record batches
 * * int32 schema CRC32C              of the schema message
 *   B x {int64 offset,               where the batch's message starts: right after the message
 *                                    before it (the schema message for the first)
 *        int32 metadata length,      prefix and flatbuffer
 *        int64 body length,
 *        int32 rows,                 as the batch's message says
 *      * int32 CRC32C}               of the batch's message and body
 * * int32 entry CRC32C               of the entry's bytes before it
 * </pre>
 *
 * <p>The index is trusted only while the stream's size and modification time are those recorded;
 * otherwise {@link #read} refuses it. Batches must follow each other without gaps, as a stream lays
 * them out, so a reordered, shifted or overlapping record is refused before anything is mapped.
 */
public final class StreamIndex {
  /** The sidecar's first bytes, as {@code lazyarrow index} writes it now. */
  public static final byte[] MAGIC = "LAINDEX2".getBytes(StandardCharsets.US_ASCII);

  /** The first bytes of sidecars written before checksums, still read. */
  private static final byte[] MAGIC_V1 = "LAINDEX1".getBytes(StandardCharsets.US_ASCII);

  /** Bytes of an entry before its batches. */
  public static final int ENTRY_HEADER = 8 + 8 + 4 + 4 + 4;

  /** Bytes of one batch in an entry. */
  public static final int BATCH_BYTES = 8 + 4 + 8 + 4 + 4;

  /** Bytes of an entry after its batches. */
  public static final int ENTRY_TRAILER = 4;

  private static final int V1_ENTRY_HEADER = 8 + 8 + 4 + 4;
  private static final int V1_BATCH_BYTES = 8 + 4 + 8 + 4;

  private StreamIndex() {}

  /** Returns a modification time as the manifest and the sidecar record it. */
  public static long nanos(FileTime time) {
    return time.to(TimeUnit.NANOSECONDS);
  }

  /**
   * Reads the index entry of the stream {@code file}, open as {@code channel}, after checking that
   * the file is still what was indexed.
   */
  public static BlockTable read(
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
    RawEntry raw = readEntry(indexFile, stream);
    ByteBuffer entry = raw.bytes();
    boolean v2 = raw.checksummed();
    int header = v2 ? ENTRY_HEADER : V1_ENTRY_HEADER;
    int perBatch = v2 ? BATCH_BYTES : V1_BATCH_BYTES;
    int count = entry.limit() >= header ? entry.getInt(20) : -1;
    if (entry.limit() < header
        || entry.getLong(0) != size
        || entry.getLong(8) != stream.modifiedNanos()
        || count < 0
        || entry.limit() != header + (long) count * perBatch + (v2 ? ENTRY_TRAILER : 0)
        || (v2
            && entry.getInt(entry.limit() - 4)
                != Checksums.crc(entry.duplicate().limit(entry.limit() - 4)))) {
      throw new LazyArrowException(
          indexFile,
          "entry for "
              + file.getFileName()
              + " at offset "
              + stream.indexOffset()
              + " does not match the manifest or its checksum (index rewritten or corrupt)");
    }
    int schemaLength = entry.getInt(16);
    List<ArrowBlock> batches = new ArrayList<>(count);
    long[] rows = new long[count];
    int[] crcs = new int[count];
    long expectedOffset = schemaLength;
    for (int i = 0; i < count; i++) {
      int at = header + i * perBatch;
      ArrowBlock block =
          new ArrowBlock(entry.getLong(at), entry.getInt(at + 8), entry.getLong(at + 12));
      if (block.getOffset() != expectedOffset) {
        throw new LazyArrowException(
            indexFile,
            "record batch "
                + i
                + " of "
                + file.getFileName()
                + " is recorded at offset "
                + block.getOffset()
                + ", but the message before it ends at "
                + expectedOffset
                + " (records reordered or shifted)");
      }
      expectedOffset = block.getOffset() + block.getMetadataLength() + block.getBodyLength();
      batches.add(block);
      rows[i] = entry.getInt(at + 20);
      crcs[i] = v2 ? entry.getInt(at + 24) : 0;
    }
    ShardFooter.checkBlocks(file, batches, "record batch", size);
    if (schemaLength < 8 || schemaLength > Math.min(size, ShardFooter.MAX_METADATA)) {
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
    ArrowBlock schemaBlock = new ArrowBlock(0, schemaLength, 0);
    Message message =
        ShardFooter.message(file, schemaBlock, ShardFooter.readFully(channel, 0, schemaLength));
    if (message.headerType() != MessageHeader.Schema) {
      throw new LazyArrowException(file, "the first message is not a schema");
    }
    return new BlockTable(
        StreamWalk.schema(file, message),
        List.of(),
        batches,
        BlockTable.starts(file, rows),
        v2 ? new Checksums(crcs, schemaLength, entry.getInt(24)) : null);
  }

  /** An entry's bytes, and whether the sidecar's magic says it holds checksums. */
  private record RawEntry(ByteBuffer bytes, boolean checksummed) {}

  private static RawEntry readEntry(Path indexFile, Manifest.Stream stream) throws IOException {
    try (FileChannel channel = SafeFiles.openUnlinked(indexFile)) {
      long end = stream.indexOffset() + stream.indexLength();
      if (stream.indexOffset() < MAGIC.length
          || stream.indexLength() < V1_ENTRY_HEADER
          || end > channel.size()
          || end < stream.indexOffset()) {
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
      long most = ENTRY_HEADER + HeapLimits.maxBlocks() * BATCH_BYTES + ENTRY_TRAILER;
      if (stream.indexLength() > most) {
        throw new LazyArrowException(
            indexFile,
            "entry at offset "
                + stream.indexOffset()
                + " is "
                + stream.indexLength()
                + " bytes: more batches than a heap of "
                + HeapLimits.heapMiB()
                + " MiB holds (at most "
                + HeapLimits.maxBlocks()
                + " a shard); give the JVM more heap (-Xmx)");
      }
      ByteBuffer magic = ShardFooter.readFully(channel, 0, MAGIC.length);
      if (!ByteBuffer.wrap(MAGIC).equals(magic) && !ByteBuffer.wrap(MAGIC_V1).equals(magic)) {
        throw new LazyArrowException(indexFile, "wrong magic: not a LazyArrow stream index");
      }
      return new RawEntry(
          ShardFooter.readFully(channel, stream.indexOffset(), stream.indexLength()),
          ByteBuffer.wrap(MAGIC).equals(magic));
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(indexFile, "the stream index is missing; run 'lazyarrow index'");
    }
  }
}
