package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The framing of the Arrow IPC format, in one place for every reader and writer: the file magic,
 * and the prefix of each message.
 *
 * <pre>
 * file:    "ARROW1" + 2 padding bytes, messages, footer, int32 footer length, "ARROW1"
 * message: [0xFFFFFFFF] int32 metadata length, flatbuffer Message, padding, body
 *          (the continuation marker is absent in pre-1.0 streams; a length of 0 ends a stream)
 * </pre>
 */
public final class Framing {
  /** The magic that opens and closes an IPC file. */
  public static final byte[] MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  /** The continuation marker that opens a message's prefix since format 1.0. */
  static final int CONTINUATION = 0xFFFFFFFF;

  /** The longest prefix, marker and length: what {@link #prefix} needs to see. */
  public static final int MAX_PREFIX = 8;

  private Framing() {}

  /**
   * The prefix of one message.
   *
   * @param bytes the prefix's own length: 8 with the continuation marker, 4 without
   * @param metadataLength the length of the flatbuffer metadata that follows; 0 ends a stream
   */
  public record Prefix(int bytes, int metadataLength) {
    /** Returns whether this is the end-of-stream marker. */
    public boolean endOfStream() {
      return metadataLength == 0;
    }
  }

  /**
   * Reads the prefix of the message at offset {@code at} of {@code file} from {@code head}, its
   * first (up to {@value #MAX_PREFIX}) bytes, little-endian, where {@code left} bytes of the file
   * remain from {@code at} on, and checks that its metadata fits them and {@code maxMetadata}.
   *
   * @throws LazyArrowException naming the file and offset if the prefix is cut short or its length
   *     is negative or larger than what is left or allowed
   */
  public static Prefix prefix(Path file, long at, ByteBuffer head, long left, int maxMetadata) {
    boolean continued = head.limit() >= 4 && head.getInt(0) == CONTINUATION;
    int bytes = continued ? 8 : 4;
    if (head.limit() < bytes) {
      throw new LazyArrowException(
          file, "stream truncated: " + left + " stray bytes at offset " + at);
    }
    int length = head.getInt(bytes - 4);
    if (length != 0 && (length < 0 || length > left - bytes || length > maxMetadata)) {
      throw new LazyArrowException(
          file,
          "message at offset "
              + at
              + " claims "
              + Integer.toUnsignedString(length)
              + " bytes of metadata; the file has "
              + (left - bytes)
              + " left (at most "
              + maxMetadata
              + " are read)");
    }
    return new Prefix(bytes, length);
  }

  /**
   * Reads the prefix at the start of {@code metadata}, the metadata bytes of a block a footer or
   * index lists, without a file's bounds: its length is checked against the block's own.
   */
  static Prefix prefix(ByteBuffer metadata) {
    int first = metadata.getInt(0);
    return first == CONTINUATION ? new Prefix(8, metadata.getInt(4)) : new Prefix(4, first);
  }
}
