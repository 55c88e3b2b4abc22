package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.Codecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * One buffer of a record batch's body as its plain bytes, for reads of a few buffers of a batch:
 * read by position where the batch is not compressed; where it is, its declared size read first
 * (the 8-byte prefix Arrow puts before each compressed buffer) and checked against what the caller
 * says the buffer may hold, then, on the first read, the buffer alone read and decompressed.
 */
final class PlainBuffer implements AutoCloseable {
  /** Padding a writer may add after the bytes a buffer needs. */
  private static final long SLACK = 64;

  private final OpenShard shard;
  private final String batch;
  private final BufferAllocator allocator;
  private final CompressionCodec codec;
  private final long position;
  private final long stored;
  private final long length;

  /** Where the plain bytes lie in the file when they are stored as they are, else -1. */
  private final long direct;

  private ArrowBuf plain;

  /**
   * Describes buffer {@code index} of record batch {@code batch} of {@code shard}, whose metadata
   * is {@code header}, which may hold at most {@code most} bytes; reads at most its size prefix.
   * Decompressed bytes come from the shard's allocator.
   *
   * @throws LazyArrowException naming the file if the declared size passes {@code most}
   */
  PlainBuffer(ShardFile shard, int batch, RecordBatch header, int index, long most) {
    this.shard = shard.state();
    this.batch = "record batch " + batch;
    this.allocator = shard.allocator;
    ArrowBlock block = this.shard.blocks.batchBlocks().get(batch);
    long bodyStart = block.getOffset() + block.getMetadataLength();
    Buffer meta = header.buffers(new Buffer(), index);
    boolean compressed = FetchedBatches.compressed(header) && meta.length() > 0;
    this.codec =
        compressed
            ? Codecs.INSTANCE.createCodec(
                CompressionUtil.CodecType.fromCompressionType(header.compression().codec()))
            : null;
    this.position = bodyStart + meta.offset();
    this.stored = meta.length();
    if (!compressed) {
      this.length = stored;
      this.direct = position;
      return;
    }
    if (stored < CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH) {
      throw fail("has a compressed buffer " + index + " of " + stored + " bytes");
    }
    ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(position, prefix);
    long declared = prefix.getLong(0);
    if (declared == CompressionUtil.NO_COMPRESSION_LENGTH) {
      this.length = stored - CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
      this.direct = position + CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
    } else if (declared < 0 || declared > most + SLACK || stored > 2 * (declared + SLACK) + 4096) {
      throw fail(
          "declares buffer "
              + index
              + " of "
              + declared
              + " bytes once decompressed from "
              + stored
              + "; it holds at most "
              + most);
    } else {
      this.length = declared;
      this.direct = -1;
    }
  }

  /** Returns the buffer's plain length in bytes. */
  long length() {
    return length;
  }

  /**
   * Fills {@code into} (its remaining bytes) with the plain bytes at {@code offset}, inside the
   * buffer.
   */
  void read(long offset, ByteBuffer into) {
    if (direct >= 0) {
      readFully(direct + offset, into);
      return;
    }
    if (plain == null) {
      plain = decompress();
    }
    plain.getBytes(offset, into);
  }

  private ArrowBuf decompress() {
    ArrowBuf raw = allocator.buffer(stored);
    try {
      shard.source.read(position, raw, stored);
      raw.writerIndex(stored); // the codec reads up to the writer index
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e instanceof LazyArrowException lae ? lae : fail("cannot read a buffer: " + e);
    }
    try {
      return codec.decompress(allocator, raw); // releases raw
    } catch (RuntimeException e) {
      if (raw.refCnt() > 0) {
        raw.close();
      }
      throw fail("has a buffer that does not decompress: " + e.getMessage());
    }
  }

  private void readFully(long at, ByteBuffer into) {
    try {
      shard.source.readFully(at, into);
    } catch (IOException e) {
      throw new LazyArrowException(shard.path, batch + ": cannot read a buffer: " + e, e);
    }
  }

  private LazyArrowException fail(String what) {
    return new LazyArrowException(shard.path, batch + ": " + what);
  }

  /** Frees the decompressed bytes. */
  @Override
  public void close() {
    if (plain != null) {
      plain.close();
      plain = null;
    }
  }
}
