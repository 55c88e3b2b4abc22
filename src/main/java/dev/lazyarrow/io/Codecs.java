package dev.lazyarrow.io;

import org.apache.arrow.compression.ZstdCompressionCodec;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * The codec factory that every LazyArrow reader and writer uses: ZSTD from arrow-compression (on
 * zstd-jni) and LZ4_FRAME on lz4-java instead of arrow-compression's pure Java LZ4.
 */
public final class Codecs implements CompressionCodec.Factory {
  /** The one instance; codecs are stateless. */
  public static final Codecs INSTANCE = new Codecs();

  private Codecs() {}

  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type) {
    return switch (type) {
      case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
      case LZ4_FRAME -> new Lz4FrameCodec();
      case ZSTD -> new ZstdCompressionCodec();
    };
  }

  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
    return type == CompressionUtil.CodecType.ZSTD
        ? new ZstdCompressionCodec(level)
        : createCodec(type);
  }
}
