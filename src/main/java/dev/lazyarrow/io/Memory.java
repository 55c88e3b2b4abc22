package dev.lazyarrow.io;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import sun.misc.Unsafe;

/**
 * The two raw memory operations Arrow Java lacks: unmapping a file now, and bulk copies of
 * primitive values out of an Arrow buffer into a Java array.
 *
 * <p>Unmapping waits for nobody: callers must be sure that no address inside the mapping is used
 * afterwards, which is what {@link Segment}'s reference count is for. Every copy is checked against
 * the buffer's bounds first, because a raw copy past them would read another allocation or crash.
 */
public final class Memory {
  private static final Unsafe UNSAFE = loadUnsafe();

  private Memory() {}

  static void unmap(MappedByteBuffer buffer) {
    UNSAFE.invokeCleaner(buffer);
  }

  /**
   * Copies {@code count} values of {@code width} bytes at byte {@code index} of {@code buf} into
   * {@code array}, a primitive array of values of that width.
   *
   * @throws IndexOutOfBoundsException if the values lie outside the buffer or the array
   * @throws IllegalStateException if the buffer was released
   */
  public static void copy(ArrowBuf buf, long index, Object array, int count, int width) {
    copy(buf, index, array, 0, count, width);
  }

  /**
   * Copies {@code count} values of {@code width} bytes at byte {@code index} of {@code buf} into
   * {@code array} from element {@code at} on.
   *
   * @throws IndexOutOfBoundsException if the values lie outside the buffer or the array
   * @throws IllegalStateException if the buffer was released
   */
  public static void copy(ArrowBuf buf, long index, Object array, int at, int count, int width) {
    long bytes = (long) count * width;
    long base = baseOffset(array);
    if (index < 0
        || count < 0
        || at < 0
        || index + bytes > buf.capacity()
        || (long) at + count > java.lang.reflect.Array.getLength(array)) {
      throw new IndexOutOfBoundsException(
          "copy of " + bytes + " bytes at " + index + " from a buffer of " + buf.capacity());
    }
    if (buf.refCnt() == 0) {
      throw new IllegalStateException("buffer already released");
    }
    UNSAFE.copyMemory(null, buf.memoryAddress() + index, array, base + (long) at * width, bytes);
  }

  private static long baseOffset(Object array) {
    // Looked up per class once: Unsafe.arrayBaseOffset is too slow for a call per row.
    if (array instanceof int[]) {
      return Unsafe.ARRAY_INT_BASE_OFFSET;
    } else if (array instanceof long[]) {
      return Unsafe.ARRAY_LONG_BASE_OFFSET;
    } else if (array instanceof float[]) {
      return Unsafe.ARRAY_FLOAT_BASE_OFFSET;
    } else if (array instanceof double[]) {
      return Unsafe.ARRAY_DOUBLE_BASE_OFFSET;
    } else if (array instanceof short[]) {
      return Unsafe.ARRAY_SHORT_BASE_OFFSET;
    } else if (array instanceof byte[]) {
      return Unsafe.ARRAY_BYTE_BASE_OFFSET;
    }
    throw new IllegalArgumentException("not a primitive numeric array: " + array.getClass());
  }

  private static Unsafe loadUnsafe() {
    try {
      Field field = Unsafe.class.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      return (Unsafe) field.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
