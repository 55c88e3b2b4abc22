package dev.lazyarrow.internal.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.junit.jupiter.api.Test;

class Lz4FrameCodecTest {
  @Test
  void decompress_ofCompress_returnsTheBytes() {
    byte[] data = new byte[300_000];
    Random random = new Random(7);
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i % 1000 < 500 ? i % 7 : random.nextInt());
    }
    CompressionCodec codec = Codecs.INSTANCE.createCodec(CompressionUtil.CodecType.LZ4_FRAME);
    try (BufferAllocator allocator = new RootAllocator()) {
      ArrowBuf raw = allocator.buffer(data.length);
      raw.setBytes(0, data);
      raw.writerIndex(data.length);
      // compress and decompress take ownership of their argument and release it.
      try (ArrowBuf back = codec.decompress(allocator, codec.compress(allocator, raw))) {
        byte[] out = new byte[data.length];
        back.getBytes(0, out);
        assertArrayEquals(data, out);
      }
    }
  }

  @Test
  void decompress_corruptFrame_throws() {
    CompressionCodec codec = Codecs.INSTANCE.createCodec(CompressionUtil.CodecType.LZ4_FRAME);
    try (BufferAllocator allocator = new RootAllocator()) {
      ArrowBuf bad = allocator.buffer(24);
      bad.setLong(0, 100);
      bad.setInt(8, 0x184D2204);
      bad.setByte(12, 0x40);
      bad.writerIndex(24);
      assertThrows(IllegalArgumentException.class, () -> codec.decompress(allocator, bad).close());
      bad.close(); // a failed decompress leaves its argument to the caller, as VectorLoader expects
    }
  }
}
