package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
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

  /**
   * {@inheritDoc}
   *
   * @throws LazyArrowException naming the JVM flag if the codec's native library may not load
   */
  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type) {
    return switch (type) {
      case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
      case LZ4_FRAME -> new Lz4FrameCodec();
      case ZSTD -> {
        ZstdLibrary.require();
        yield new ZstdCompressionCodec();
      }
    };
  }

  @Override
  public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
    if (type != CompressionUtil.CodecType.ZSTD) {
      return createCodec(type);
    }
    ZstdLibrary.require();
    return new ZstdCompressionCodec(level);
  }

  /**
   * Loads zstd-jni's native library before the first buffer is decompressed: a JVM that denies
   * native access (JDK 24+ with {@code --illegal-native-access=deny}, the announced default of a
   * later JDK) then fails with the flag that grants it, instead of an {@code
   * ExceptionInInitializerError} from inside Arrow that leaks the buffer it was filling.
   */
  private static final class ZstdLibrary {
    private static final String DENIED = load();

    static void require() {
      if (DENIED != null) {
        throw new LazyArrowException(null, DENIED);
      }
    }

    private static String load() {
      try {
        Class.forName("com.github.luben.zstd.Zstd", true, Codecs.class.getClassLoader());
        return null;
      } catch (ClassNotFoundException | LinkageError | IllegalCallerException e) {
        return "ZSTD needs zstd-jni's native library, which this JVM refused to load ("
            + e
            + "): run java with --enable-native-access=ALL-UNNAMED";
      }
    }
  }
}
