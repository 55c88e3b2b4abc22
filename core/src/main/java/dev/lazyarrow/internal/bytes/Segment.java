package dev.lazyarrow.internal.bytes;

import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

/**
 * One read-only mapping of a byte range of a shard file, released when its last user lets go.
 *
 * <p>The shard holds one reference for as long as it is open, and every Arrow buffer that points
 * into the mapping holds another; the mapping is unmapped only when the count reaches zero, because
 * touching an unmapped address crashes the JVM.
 */
public final class Segment {
  private final long fileOffset;
  private final MappedByteBuffer buffer;
  private final long address;
  private final AtomicInteger references = new AtomicInteger(1);

  public Segment(long fileOffset, MappedByteBuffer buffer) {
    this.fileOffset = fileOffset;
    this.buffer = buffer;
    this.address = Memory.address(buffer);
  }

  /** Returns the memory address of {@code offset}, a position in the file inside this segment. */
  long addressOf(long offset) {
    return address + (offset - fileOffset);
  }

  /**
   * Returns a view of {@code bytes} bytes at file position {@code offset}, for metadata parsing.
   */
  public java.nio.ByteBuffer slice(long offset, int bytes) {
    return buffer.slice((int) (offset - fileOffset), bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Returns whether every page of {@code bytes} bytes at file position {@code offset} is in memory:
   * {@code mincore}, which reads nothing.
   */
  public boolean isLoaded(long offset, long bytes) {
    return buffer.slice((int) (offset - fileOffset), (int) bytes).isLoaded();
  }

  /**
   * Wraps {@code length} bytes at file position {@code offset} as an Arrow buffer that holds this
   * mapping until it is released.
   */
  public ArrowBuf wrap(BufferAllocator allocator, long offset, long length) {
    retain();
    return allocator.wrapForeignAllocation(
        new ForeignAllocation(length, addressOf(offset)) {
          @Override
          protected void release0() {
            release();
          }
        });
  }

  void retain() {
    int before = references.getAndIncrement();
    if (before <= 0) {
      references.getAndDecrement();
      throw new IllegalStateException("segment at " + fileOffset + " is already unmapped");
    }
  }

  public void release() {
    int after = references.decrementAndGet();
    if (after == 0) {
      Memory.unmap(buffer);
    } else if (after < 0) {
      throw new IllegalStateException(
          "segment at " + fileOffset + " released more often than held");
    }
  }
}
