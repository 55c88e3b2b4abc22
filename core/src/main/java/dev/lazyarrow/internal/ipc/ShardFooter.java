package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Positional;
import dev.lazyarrow.internal.format.HeapLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;

/**
 * Reads the footer of an Arrow IPC file into its {@link BlockTable}: schema, blocks and the rows of
 * each record batch, every offset checked against the file.
 *
 * <p>The IPC file format, in file order:
 *
 * <pre>
 * "ARROW1" + 2 padding bytes         MAGIC, then 8-byte alignment
 * schema message                     the same stream messages as the IPC stream format
 * dictionary batch messages          located by the footer's dictionary blocks
 * record batch messages              located by the footer's record batch blocks
 * footer                             flatbuffer org.apache.arrow.flatbuf.Footer
 * int32 footer length                little-endian
 * "ARROW1"                           MAGIC
 * </pre>
 *
 * <p>A message at a block's offset is a 0xFFFFFFFF continuation marker (absent in pre-1.0 files),
 * an int32 flatbuffer length, the {@code Message} flatbuffer padded to the block's metadata length,
 * then the body of the block's body length. Every offset and length is checked against the file
 * here, so that nothing later maps or reads past its end: a read past a mapping kills the JVM with
 * SIGBUS.
 *
 * <p>LazyArrow's writer stores each record batch's row count in the footer's custom metadata under
 * {@link #BATCH_ROWS_KEY} (decimal, comma-separated), so that the row index of a shard costs no
 * read beyond the footer. Files from other writers have their batch headers read once instead.
 *
 * <p>It also records checksums (see {@link Checksums}): under {@link Checksums#BATCH_KEY}, the
 * CRC32C of each record batch's block, metadata and body, as 8 lowercase hex digits,
 * comma-separated; and after the footer flatbuffer, inside the footer length, an 8-byte trailer:
 *
 * <pre>
 * int32 CRC32C                       of every byte of the file before this trailer
 * "LACS"                             Checksums.TRAILER_MAGIC
 * </pre>
 *
 * <p>Flatbuffer readers ignore bytes after the root table, so other Arrow readers still open the
 * file. A shard has both the key and the trailer or neither (older shards); one without the other
 * means damage. Footers and message metadata larger than {@link #MAX_METADATA} are refused before
 * anything is allocated for them, and a footer listing more blocks than {@link
 * HeapLimits#maxBlocks()} before an object is made for one.
 */
public final class ShardFooter {
  /** The footer metadata key under which LazyArrow's writer lists each batch's row count. */
  public static final String BATCH_ROWS_KEY = "lazyarrow.batch_rows";

  private static final byte[] TRAILER_MAGIC =
      Checksums.TRAILER_MAGIC.getBytes(StandardCharsets.US_ASCII);

  /** Bytes of the checksum trailer: the checksum and its magic. */
  private static final int TRAILER = 4 + 4;

  /** The largest footer or message metadata read: a stated bound, far above any real one. */
  static final int MAX_METADATA = 64 << 20;

  private static final byte[] MAGIC = Framing.MAGIC;

  /** Leading magic padded to 8 bytes, footer length, trailing magic. */
  private static final int MIN_SIZE = 8 + 4 + MAGIC.length;

  private ShardFooter() {}

  /** Reads and checks the footer of the file {@code file} open as {@code channel}. */
  public static BlockTable read(Path file, FileChannel channel, long size) throws IOException {
    return read(file, Positional.of(channel), size, true);
  }

  /**
   * Reads and checks the footer of {@code file}, whose size is {@code size}; its leading magic too
   * if {@code checkHead} (a remote object's costs a request of its own, where the footer, the
   * trailing magic and every block's bounds say as much).
   */
  public static BlockTable read(Path file, Positional in, long size, boolean checkHead)
      throws IOException {
    if (size < MIN_SIZE + MAGIC.length) {
      throw new LazyArrowException(
          file, "file too small for an Arrow IPC file: " + size + " bytes");
    }
    ByteBuffer head = checkHead ? readFully(in, 0, MAGIC.length) : ByteBuffer.wrap(MAGIC);
    ByteBuffer tail = readFully(in, size - 4 - MAGIC.length, 4 + MAGIC.length);
    if (!hasMagic(head, 0, MAGIC) || !hasMagic(tail, 4, MAGIC)) {
      throw new LazyArrowException(
          file,
          "wrong magic: not an Arrow IPC file (an IPC stream must be converted or indexed first)");
    }
    int footerLength = tail.getInt(0);
    long footerOffset = size - 4 - MAGIC.length - footerLength;
    if (footerLength <= 0 || footerOffset < 8 || footerLength > MAX_METADATA) {
      throw new LazyArrowException(
          file, "footer length " + footerLength + " does not fit in a file of " + size + " bytes");
    }
    ByteBuffer bytes = readFully(in, footerOffset, footerLength);
    ArrowFooter footer;
    try {
      Footer flat = Footer.getRootAsFooter(bytes);
      long blocks = (long) flat.recordBatchesLength() + flat.dictionariesLength();
      if (blocks > HeapLimits.maxBlocks()) {
        throw new LazyArrowException(
            file,
            "footer lists "
                + blocks
                + " blocks, more than a heap of "
                + HeapLimits.heapMiB()
                + " MiB holds (at most "
                + HeapLimits.maxBlocks()
                + " a shard); give the JVM more heap (-Xmx)");
      }
      SchemaCheck.check(file, flat.schema());
      footer = new ArrowFooter(flat);
    } catch (RuntimeException e) {
      throw e instanceof LazyArrowException lae
          ? lae
          : new LazyArrowException(file, "corrupt footer: " + e, e);
    }
    checkBlocks(file, footer.getDictionaries(), "dictionary", footerOffset);
    checkBlocks(file, footer.getRecordBatches(), "record batch", footerOffset);
    return new BlockTable(
        footer.getSchema(),
        footer.getDictionaries(),
        footer.getRecordBatches(),
        batchStarts(file, in, footer),
        checksums(file, footer, bytes, footerOffset));
  }

  /** Returns the checksums the footer and its trailer record, or null if the shard has none. */
  private static Checksums checksums(
      Path file, ArrowFooter footer, ByteBuffer bytes, long footerOffset) {
    String listed =
        footer.getMetaData() == null ? null : footer.getMetaData().get(Checksums.BATCH_KEY);
    int at = bytes.limit() - TRAILER;
    boolean trailer = at >= 0 && hasMagic(bytes, at + 4, TRAILER_MAGIC);
    if (listed == null && !trailer) {
      return null;
    }
    if (listed == null || !trailer) {
      throw new LazyArrowException(
          file,
          listed == null
              ? "footer has a checksum trailer but lists no batch checksums (damaged footer)"
              : "footer lists batch checksums but has no checksum trailer (damaged footer)");
    }
    return new Checksums(
        Checksums.parse(file, listed, footer.getRecordBatches().size()),
        footerOffset + at,
        bytes.getInt(at));
  }

  /** Reads the message flatbuffer of {@code block} from {@code bytes}, the block's metadata. */
  public static Message message(Path file, ArrowBlock block, ByteBuffer bytes) {
    try {
      Framing.Prefix framing = Framing.prefix(bytes);
      int prefix = framing.bytes();
      int length = framing.metadataLength();
      if (length <= 0 || prefix + (long) length > block.getMetadataLength()) {
        throw new LazyArrowException(
            file,
            "message at offset "
                + block.getOffset()
                + " claims "
                + length
                + " bytes of metadata, its block has "
                + block.getMetadataLength());
      }
      Message message =
          Message.getRootAsMessage(bytes.slice(prefix, length).order(ByteOrder.LITTLE_ENDIAN));
      if (message.bodyLength() != block.getBodyLength()) {
        throw new LazyArrowException(
            file,
            "message at offset "
                + block.getOffset()
                + " has a body of "
                + message.bodyLength()
                + " bytes, its block says "
                + block.getBodyLength());
      }
      return message;
    } catch (IndexOutOfBoundsException e) {
      throw new LazyArrowException(file, "corrupt message at offset " + block.getOffset(), e);
    }
  }

  /** Reads the header of a record batch message, checking that it is one. */
  public static RecordBatch recordBatch(Path file, ArrowBlock block, Message message) {
    try {
      if (message.headerType() != MessageHeader.RecordBatch) {
        throw new LazyArrowException(
            file,
            "block at offset "
                + block.getOffset()
                + " is not a record batch (message type "
                + message.headerType()
                + ")");
      }
      return (RecordBatch) message.header(new RecordBatch());
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new LazyArrowException(file, "corrupt message at offset " + block.getOffset(), e);
    }
  }

  private static long[] batchStarts(Path file, Positional in, ArrowFooter footer)
      throws IOException {
    List<ArrowBlock> blocks = footer.getRecordBatches();
    long[] rows = new long[blocks.size()];
    String listed = footer.getMetaData() == null ? null : footer.getMetaData().get(BATCH_ROWS_KEY);
    if (listed != null) {
      String[] parts = listed.isEmpty() ? new String[0] : listed.split(",");
      if (parts.length != rows.length) {
        throw new LazyArrowException(
            file,
            "footer lists rows for " + parts.length + " record batches but has " + rows.length);
      }
      try {
        rows = Arrays.stream(parts).mapToLong(Long::parseLong).toArray();
      } catch (NumberFormatException e) {
        throw new LazyArrowException(file, "footer key " + BATCH_ROWS_KEY + " is malformed", e);
      }
    } else {
      for (int i = 0; i < rows.length; i++) {
        ArrowBlock block = blocks.get(i);
        ByteBuffer meta = readFully(in, block.getOffset(), block.getMetadataLength());
        rows[i] = recordBatch(file, block, message(file, block, meta)).length();
      }
    }
    return BlockTable.starts(file, rows);
  }

  static void checkBlocks(Path file, List<ArrowBlock> blocks, String kind, long limit) {
    for (int i = 0; i < blocks.size(); i++) {
      ArrowBlock b = blocks.get(i);
      long end = b.getOffset() + b.getMetadataLength() + b.getBodyLength();
      if (b.getOffset() < 8
          || b.getMetadataLength() < 8
          || b.getMetadataLength() > MAX_METADATA
          || b.getBodyLength() < 0
          || end > limit
          || end < b.getOffset()) {
        throw new LazyArrowException(
            file,
            kind
                + " block "
                + i
                + " (offset "
                + b.getOffset()
                + ", metadata "
                + b.getMetadataLength()
                + ", body "
                + b.getBodyLength()
                + ") points outside the data, which ends at "
                + limit);
      }
    }
  }

  public static boolean hasMagic(ByteBuffer bytes, int at, byte[] magic) {
    for (int i = 0; i < magic.length; i++) {
      if (bytes.get(at + i) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
    return readFully(Positional.of(channel), position, length);
  }

  /** Returns {@code length} bytes at {@code position}, little-endian. */
  public static ByteBuffer readFully(Positional in, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    in.readFully(position, buffer);
    return buffer.flip();
  }

}
