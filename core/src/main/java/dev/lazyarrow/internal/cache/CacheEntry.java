package dev.lazyarrow.internal.cache;

import dev.lazyarrow.internal.bytes.Segment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/** A mapped entry: its batch's message metadata and body. Closing drops this hold on it. */
public final class CacheEntry implements AutoCloseable {
  public final Path file;
  public final long metadataLength;
  public final long bodyLength;
  private final Segment segment;

  CacheEntry(Path file, Segment segment, long metadataLength, long bodyLength) {
    this.file = file;
    this.segment = segment;
    this.metadataLength = metadataLength;
    this.bodyLength = bodyLength;
  }

  /** Returns the message metadata. */
  public ByteBuffer metadata() {
    return segment.slice(0, (int) metadataLength);
  }

  /** Wraps the body as an Arrow buffer that keeps the mapping alive. */
  public ArrowBuf body(BufferAllocator allocator) {
    return segment.wrap(allocator, metadataLength, bodyLength);
  }

  @Override
  public void close() {
    segment.release();
  }
}
