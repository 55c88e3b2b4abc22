package dev.lazyarrow.internal.ipc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * The Arrow IPC LZ4_FRAME codec on lz4-java, whose native (JNI) block codec is about 200 times
 * faster than the pure Java one in arrow-compression.
 *
 * <p>An Arrow LZ4_FRAME buffer is an int64 little-endian uncompressed length (written and read by
 * {@link AbstractCompressionCodec}) followed by one standard LZ4 frame, as pyarrow writes it. A
 * frame of independent blocks (FLG bit 5, what pyarrow writes for buffers of one 64 KiB block) goes
 * to lz4-java. pyarrow's larger buffers use linked blocks, whose matches reach into the blocks
 * before: lz4-java's decoders refuse those, so they are decoded here, into one contiguous output.
 */
public final class Lz4FrameCodec extends AbstractCompressionCodec {
  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();
  private static final int PREFIX = (int) CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;

  @Override
  protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
    byte[] in = new byte[Math.toIntExact(uncompressed.writerIndex())];
    uncompressed.getBytes(0, in);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(in.length / 2 + 64);
    try (OutputStream out =
        new LZ4FrameOutputStream(
            frame,
            LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
            in.length,
            LZ4.fastCompressor(),
            XXHASH.hash32(),
            LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE,
            LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
      out.write(in);
    } catch (IOException e) {
      throw new UncheckedIOException("LZ4 compression failed", e);
    }
    byte[] bytes = frame.toByteArray();
    ArrowBuf compressed = allocator.buffer(PREFIX + bytes.length);
    compressed.setBytes(PREFIX, bytes);
    compressed.writerIndex(PREFIX + bytes.length);
    return compressed;
  }

  @Override
  protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
    long length = readUncompressedLength(compressed);
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("LZ4 buffer claims " + length + " uncompressed bytes");
    }
    byte[] in = new byte[Math.toIntExact(compressed.writerIndex() - PREFIX)];
    compressed.getBytes(PREFIX, in);
    byte[] out = new byte[(int) length];
    if (in.length > 4 && (in[4] & 0x20) == 0) {
      try {
        decodeLinked(in, out);
      } catch (IndexOutOfBoundsException e) {
        throw new IllegalArgumentException("corrupt LZ4 frame (linked blocks)", e);
      }
      ArrowBuf decompressed = allocator.buffer(length);
      decompressed.setBytes(0, out);
      return decompressed;
    }
    try (InputStream frame =
        new LZ4FrameInputStream(
            new ByteArrayInputStream(in), LZ4.safeDecompressor(), XXHASH.hash32(), true)) {
      int read = frame.readNBytes(out, 0, out.length);
      if (read != out.length || frame.read() != -1) {
        throw new IllegalArgumentException(
            "LZ4 frame holds "
                + (read == out.length ? "more" : read)
                + " bytes, its buffer says "
                + length);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt LZ4 frame: " + e.getMessage(), e);
    }
    ArrowBuf decompressed = allocator.buffer(length);
    decompressed.setBytes(0, out);
    return decompressed;
  }

  /**
   * Decodes a whole LZ4 frame of linked blocks into {@code out}, which it must fill exactly.
   *
   * <p>Frame: magic 0x184D2204, FLG, BD, an optional int64 content size (FLG bit 3), an optional
   * dictionary id (bit 0, refused), a header checksum byte; then blocks, each an int32 size (high
   * bit: stored uncompressed), its bytes and an optional checksum (bit 4); a zero size ends them. A
   * block is a run of sequences: a token, literals, a 2-byte match offset and a match length.
   */
  private static void decodeLinked(byte[] in, byte[] out) {
    if (intLe(in, 0) != 0x184D2204 || (in[4] & 0xC0) != 0x40 || (in[4] & 0x01) != 0) {
      throw new IllegalArgumentException("not an LZ4 frame this codec reads");
    }
    boolean blockChecksums = (in[4] & 0x10) != 0;
    int ip = 6 + ((in[4] & 0x08) != 0 ? 8 : 0) + 1;
    int op = 0;
    while (true) {
      int size = intLe(in, ip);
      ip += 4;
      if (size == 0) {
        break;
      }
      int n = size & 0x7FFFFFFF;
      if (size < 0) {
        System.arraycopy(in, ip, out, op, n);
        op += n;
      } else {
        op = decodeBlock(in, ip, ip + n, out, op);
      }
      ip += n + (blockChecksums ? 4 : 0);
    }
    if (op != out.length) {
      throw new IllegalArgumentException(
          "LZ4 frame holds " + op + " bytes, its buffer says " + out.length);
    }
  }

  private static int decodeBlock(byte[] in, int ip, int end, byte[] out, int op) {
    while (true) {
      int token = in[ip++] & 0xFF;
      int literals = token >>> 4;
      if (literals == 15) {
        int b;
        do {
          b = in[ip++] & 0xFF;
          literals += b;
        } while (b == 255);
      }
      System.arraycopy(in, ip, out, op, literals);
      ip += literals;
      op += literals;
      if (ip >= end) {
        return op; // the last sequence has literals only
      }
      int offset = (in[ip] & 0xFF) | (in[ip + 1] & 0xFF) << 8;
      ip += 2;
      int match = token & 15;
      if (match == 15) {
        int b;
        do {
          b = in[ip++] & 0xFF;
          match += b;
        } while (b == 255);
      }
      match += 4;
      int from = op - offset;
      if (offset == 0 || from < 0) {
        throw new IllegalArgumentException("LZ4 match offset " + offset + " at output " + op);
      }
      if (offset >= match) {
        System.arraycopy(out, from, out, op, match);
      } else {
        for (int k = 0; k < match; k++) {
          out[op + k] = out[from + k]; // overlapping: repeats the last offset bytes
        }
      }
      op += match;
    }
  }

  private static int intLe(byte[] b, int at) {
    return (b[at] & 0xFF)
        | (b[at + 1] & 0xFF) << 8
        | (b[at + 2] & 0xFF) << 16
        | (b[at + 3] & 0xFF) << 24;
  }

  @Override
  public CompressionUtil.CodecType getCodecType() {
    return CompressionUtil.CodecType.LZ4_FRAME;
  }
}
