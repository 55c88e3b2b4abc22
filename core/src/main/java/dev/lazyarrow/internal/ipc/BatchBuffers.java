package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * The buffers of one record batch, handed out in order to {@link BatchValidator}: as they are if
 * the batch is not compressed, otherwise each decompressed once the size it declares is found
 * within what its field needs (plus {@link #SLACK} bytes of writer padding), so that no size read
 * from the file can ask for more memory than the batch's own row count implies.
 */
public final class BatchBuffers implements AutoCloseable {
  /** Padding a writer may add after the bytes a buffer needs. */
  static final long SLACK = 64;

  private final ArrowRecordBatch batch;
  private final Iterator<ArrowBuf> buffers;
  private final CompressionCodec codec;
  private final BufferAllocator allocator;
  private final Function<String, LazyArrowException> fail;
  private final List<ArrowBuf> decompressed = new ArrayList<>();
  private int left;

  /** Hands out the buffers of {@code batch}; {@code fail} makes the error for a fault. */
  BatchBuffers(
      ArrowRecordBatch batch,
      BufferAllocator allocator,
      Function<String, LazyArrowException> fail) {
    this.batch = batch;
    this.buffers = batch.getBuffers().iterator();
    this.left = batch.getBuffers().size();
    CompressionUtil.CodecType type =
        CompressionUtil.CodecType.fromCompressionType(batch.getBodyCompression().getCodec());
    this.codec =
        type == CompressionUtil.CodecType.NO_COMPRESSION ? null : Codecs.INSTANCE.createCodec(type);
    this.allocator = allocator;
    this.fail = fail;
  }

  /** Returns how many buffers are left. */
  int left() {
    return left;
  }

  /**
   * Returns the next buffer, decompressed if the batch is compressed, refusing a declared size
   * outside {@code leastNeeded} to {@code mostNeeded} plus slack.
   */
  ArrowBuf next(String what, long leastNeeded, long mostNeeded) {
    if (!buffers.hasNext()) {
      throw fail.apply("has no " + what + " buffer (the batch holds fewer than its schema needs)");
    }
    left--;
    ArrowBuf raw = buffers.next();
    if (codec == null) {
      return raw;
    }
    if (raw.capacity() == 0) {
      raw.getReferenceManager().retain(); // held by the uncompressed batch, like the others
      decompressed.add(raw);
      return raw;
    }
    if (raw.capacity() < CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH) {
      throw fail.apply("has a compressed " + what + " buffer of " + raw.capacity() + " bytes");
    }
    long declared = raw.getLong(0);
    if (declared != CompressionUtil.NO_COMPRESSION_LENGTH
        && (declared < leastNeeded || declared > mostNeeded + SLACK)) {
      throw fail.apply(
          "declares a "
              + what
              + " buffer of "
              + declared
              + " bytes once decompressed; it needs "
              + leastNeeded
              + (leastNeeded == mostNeeded ? "" : " to " + mostNeeded));
    }
    raw.getReferenceManager().retain(); // the codec releases the compressed buffer
    ArrowBuf plain;
    try {
      plain = codec.decompress(allocator, raw);
    } catch (RuntimeException e) {
      throw fail.apply("has a " + what + " buffer that does not decompress: " + e.getMessage());
    }
    decompressed.add(plain);
    return plain;
  }

  /**
   * Returns what to load once every buffer was handed out: the batch itself if it is not
   * compressed, otherwise a new uncompressed batch of the decompressed buffers, which the caller
   * closes too.
   */
  ArrowRecordBatch toLoad() {
    if (codec == null) {
      return batch;
    }
    ArrowRecordBatch plain =
        new ArrowRecordBatch(
            batch.getLength(),
            batch.getNodes(),
            new ArrayList<>(decompressed),
            NoCompressionCodec.DEFAULT_BODY_COMPRESSION,
            batch.getVariadicBufferCounts(),
            false,
            false);
    decompressed.clear(); // the new batch holds them now
    return plain;
  }

  /** Releases the decompressed buffers not handed over by {@link #toLoad}. */
  @Override
  public void close() {
    decompressed.forEach(ArrowBuf::close);
    decompressed.clear();
  }
}
