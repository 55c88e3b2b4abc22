package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Segment;
import dev.lazyarrow.internal.ipc.BlockReader;
import dev.lazyarrow.internal.ipc.ShardFooter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * The mappings of one shard file: runs of whole blocks of at most {@code maxSegment} bytes, each
 * mapped on the first touch of a block inside it and kept until the shard closes and the last
 * buffer pointing into it is released.
 *
 * <p>A block never straddles two segments, so a batch is always one contiguous range of memory.
 */
public final class Segments implements BlockReader {
  private final Path path;
  private final FileChannel channel;
  private final long[] starts;
  private final long[] ends;
  private final Segment[] mapped;
  private boolean released;

  private Segments(Path path, FileChannel channel, long[] starts, long[] ends) {
    this.path = path;
    this.channel = channel;
    this.starts = starts;
    this.ends = ends;
    this.mapped = new Segment[starts.length];
  }

  /** Groups {@code blocks}, in file order, into runs of at most {@code maxSegment} bytes. */
  static Segments plan(Path path, FileChannel channel, List<ArrowBlock> blocks, long maxSegment) {
    List<ArrowBlock> sorted = new ArrayList<>(blocks);
    sorted.sort((a, b) -> Long.compare(a.getOffset(), b.getOffset()));
    List<long[]> runs = new ArrayList<>();
    for (ArrowBlock b : sorted) {
      long start = b.getOffset();
      long end = start + b.getMetadataLength() + b.getBodyLength();
      if (end - start > maxSegment) {
        throw new LazyArrowException(
            path,
            "a block at offset "
                + start
                + " spans "
                + (end - start)
                + " bytes, more than one mapping holds ("
                + maxSegment
                + ")");
      }
      long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last == null || end - last[0] > maxSegment) {
        runs.add(new long[] {start, end});
      } else {
        last[1] = Math.max(last[1], end);
      }
    }
    return new Segments(
        path,
        channel,
        runs.stream().mapToLong(r -> r[0]).toArray(),
        runs.stream().mapToLong(r -> r[1]).toArray());
  }

  int count() {
    return starts.length;
  }

  synchronized int mappedCount() {
    return (int) Arrays.stream(mapped).filter(Objects::nonNull).count();
  }

  /** Reads the message flatbuffer of {@code block} from the mapping. */
  @Override
  public Message message(ArrowBlock block) {
    Segment segment = segmentOf(block);
    return ShardFooter.message(
        path, block, segment.slice(block.getOffset(), block.getMetadataLength()));
  }

  /** Returns a view of the whole of {@code block}, metadata and body, for checksums. */
  java.nio.ByteBuffer bytes(ArrowBlock block) {
    return segmentOf(block)
        .slice(block.getOffset(), (int) (block.getMetadataLength() + block.getBodyLength()));
  }

  /** Returns whether every page of the body of {@code block} is in memory; reads nothing. */
  boolean isLoaded(ArrowBlock block) {
    return segmentOf(block)
        .isLoaded(block.getOffset() + block.getMetadataLength(), block.getBodyLength());
  }

  /** Wraps the body of {@code block} as an Arrow buffer that keeps its mapping alive. */
  @Override
  public ArrowBuf body(BufferAllocator allocator, ArrowBlock block) {
    return segmentOf(block)
        .wrap(allocator, block.getOffset() + block.getMetadataLength(), block.getBodyLength());
  }

  /** Drops this table's hold on every mapping; buffers still pointing into one keep it. */
  synchronized void release() {
    released = true;
    for (Segment segment : mapped) {
      if (segment != null) {
        segment.release();
      }
    }
  }

  private synchronized Segment segmentOf(ArrowBlock block) {
    int i = Arrays.binarySearch(starts, block.getOffset());
    int index = i >= 0 ? i : -i - 2;
    if (released) {
      throw new IllegalStateException("shard " + path + " is closed");
    }
    if (mapped[index] == null) {
      try {
        mapped[index] =
            new Segment(
                starts[index],
                channel.map(
                    FileChannel.MapMode.READ_ONLY, starts[index], ends[index] - starts[index]));
      } catch (IOException e) {
        throw new LazyArrowException(
            path,
            "cannot map bytes " + starts[index] + ".." + ends[index] + ": " + e.getMessage(),
            e);
      }
    }
    return mapped[index];
  }
}
