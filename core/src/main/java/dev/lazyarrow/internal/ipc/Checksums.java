package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Positional;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The CRC32C checksums a shard records: one per record batch, over its whole block (message and
 * body), checked on load when asked and by {@code verify}; and one over a leading range of the file
 * that covers every other byte a reader relies on (for an IPC file, everything before its checksum
 * trailer; for an indexed stream, its schema message).
 *
 * @param batches the checksum of each record batch's block, in batch order
 * @param coveredBytes the length of the leading range the second checksum covers
 * @param covered the checksum of that range
 */
public record Checksums(int[] batches, long coveredBytes, int covered) {
  /** The footer metadata key under which LazyArrow's writer lists each batch's CRC32C. */
  public static final String BATCH_KEY = "lazyarrow.batch_crc32c";

  /** The last 4 bytes of a shard's checksum trailer, which follows its footer flatbuffer. */
  public static final String TRAILER_MAGIC = "LACS";

  /** The bytes read at a time when a range is checked through the channel. */
  private static final int CHUNK = 1 << 20;

  /** Returns the CRC32C of {@code bytes}' remaining bytes, leaving its position alone. */
  public static int crc(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate());
    return (int) crc.getValue();
  }

  /** Returns the CRC32C of {@code length} bytes of {@code channel} at {@code position}. */
  public static int crc(FileChannel channel, long position, long length) throws IOException {
    return crc(Positional.of(channel), position, length);
  }

  /** Returns the CRC32C of {@code length} bytes that {@code in} reads at {@code position}. */
  public static int crc(Positional in, long position, long length) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(0, length)));
    for (long done = 0; done < length; ) {
      chunk.clear().limit((int) Math.min(chunk.capacity(), length - done));
      in.readFully(position + done, chunk);
      crc.update(chunk.flip());
      done += chunk.limit();
    }
    return (int) crc.getValue();
  }

  /** Formats checksums as the footer stores them: 8 lowercase hex digits each, comma-separated. */
  public static String format(int[] crcs) {
    StringBuilder out = new StringBuilder(crcs.length * 9);
    for (int crc : crcs) {
      out.append(out.length() == 0 ? "" : ",").append(String.format("%08x", crc));
    }
    return out.toString();
  }

  /** Parses what {@link #format} wrote, {@code count} checksums, as read from {@code file}. */
  static int[] parse(Path file, String listed, int count) {
    String[] parts = listed.isEmpty() ? new String[0] : listed.split(",", -1);
    if (parts.length != count) {
      throw new LazyArrowException(
          file, "footer lists checksums for " + parts.length + " record batches but has " + count);
    }
    int[] crcs = new int[count];
    for (int i = 0; i < count; i++) {
      if (!parts[i].matches("[0-9a-f]{8}")) {
        throw new LazyArrowException(file, "footer checksum " + i + " is malformed: " + parts[i]);
      }
      crcs[i] = Integer.parseUnsignedInt(parts[i], 16);
    }
    return crcs;
  }
}
