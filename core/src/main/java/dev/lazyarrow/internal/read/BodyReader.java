package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.RecordBatches;
import dev.lazyarrow.spi.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Positional reads of byte ranges of one record batch's body, never through a mapping: the kernel
 * reads around a page fault on a mapping ({@code read_ahead_kb}), but not around a random {@code
 * pread}. From a remote object, each span is one ranged request.
 *
 * <p>Ranges are given per buffer of the batch, in ascending order; neighbours closer than the
 * source's {@link ByteSource#gap} are read as one span (a page for a file, since the disk reads
 * whole pages anyway). Every range is checked against its buffer, whose place in the body {@link
 * RecordBatches#checkBuffers} checked, before it sizes a read or an allocation.
 */
public final class BodyReader {
  /** The most bytes one read moves through the heap at a time. */
  private static final int CHUNK = 1 << 20;

  private final Path file;
  private final ByteSource source;
  private final long bodyStart;
  private final RecordBatch header;
  private final String batch;
  private final BufferAllocator allocator;

  BodyReader(
      Path file,
      ByteSource source,
      long bodyStart,
      RecordBatch header,
      String batch,
      BufferAllocator allocator) {
    this.file = file;
    this.source = source;
    this.bodyStart = bodyStart;
    this.header = header;
    this.batch = batch;
    this.allocator = allocator;
  }

  BufferAllocator allocator() {
    return allocator;
  }

  /** Returns the length in bytes of buffer {@code b}. */
  long length(int b) {
    return header.buffers(new Buffer(), b).length();
  }

  /** Returns the offset in the body of buffer {@code b}. */
  long offset(int b) {
    return header.buffers(new Buffer(), b).offset();
  }

  /**
   * Reads the ranges {@code [from[i], to[i])} of buffer {@code b}, ascending and not overlapping,
   * into one new buffer, concatenated.
   *
   * @throws LazyArrowException naming the file if a range lies outside the buffer
   */
  ArrowBuf gather(int b, long[] from, long[] to, int count, String what) {
    long length = length(b);
    long total = 0;
    for (int i = 0; i < count; i++) {
      if (from[i] < 0 || to[i] < from[i] || to[i] > length || (i > 0 && from[i] < to[i - 1])) {
        throw fail(
            "needs bytes "
                + from[i]
                + ".."
                + to[i]
                + " of its "
                + what
                + " buffer of "
                + length
                + " bytes");
      }
      total += to[i] - from[i];
    }
    return read(bodyStart + offset(b), from, to, count, total, what);
  }

  /** Reads {@code length} bytes at {@code offset} of the body, inside the buffers' bounds. */
  ArrowBuf span(long offset, long length) {
    return read(bodyStart, new long[] {offset}, new long[] {offset + length}, 1, length, "buffers");
  }

  private ArrowBuf read(long base, long[] from, long[] to, int count, long total, String what) {
    ArrowBuf out = allocator.buffer(total);
    try {
      long at = 0;
      int i = 0;
      while (i < count) {
        int last = i;
        while (last + 1 < count && from[last + 1] - to[last] <= source.gap()) {
          last++;
        }
        at = readSpan(base, from, to, i, last, out, at);
        i = last + 1;
      }
      return out;
    } catch (IOException e) {
      out.close();
      throw new LazyArrowException(file, batch + ": cannot read " + what + ": " + e, e);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /** Reads the span from range {@code first} to range {@code last} and copies each range out. */
  private long readSpan(
      long base, long[] from, long[] to, int first, int last, ArrowBuf out, long at)
      throws IOException {
    long spanEnd = to[last];
    ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, spanEnd - from[first]));
    int r = first;
    for (long c = from[first]; c < spanEnd && r <= last; ) {
      // Skips a gap wider than a chunk instead of reading it.
      c = Math.max(c, from[r]);
      long end = Math.min(spanEnd, c + chunk.capacity());
      chunk.clear().limit((int) (end - c));
      source.readFully(base + c, chunk);
      while (r <= last && from[r] < end) {
        long s = Math.max(c, from[r]);
        long e = Math.min(end, to[r]);
        out.setBytes(at, chunk.array(), (int) (s - c), e - s);
        at += e - s;
        if (to[r] > end) {
          break;
        }
        r++;
      }
      c = end;
    }
    return at;
  }

  /** Returns the error for a fault in this batch. */
  LazyArrowException fail(String what) {
    return new LazyArrowException(file, batch + ": " + what);
  }
}
