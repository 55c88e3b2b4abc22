package dev.lazyarrow.internal.bytes;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import sun.misc.Unsafe;

/**
 * The raw memory operations Arrow Java lacks or offers only behind a JVM flag: the address of a
 * mapped file, unmapping it now, and bulk copies of primitive values out of an Arrow buffer into a
 * Java array.
 *
 * <p>All go through {@code sun.misc.Unsafe}, which the {@code jdk.unsupported} module exports to
 * every class without a flag (Arrow's own buffers use it too); unlike Arrow's {@code
 * MemoryUtil.getByteBufferAddress}, nothing here opens a {@code java.base} package by reflection.
 *
 * <p>Unmapping waits for nobody: callers must be sure that no address inside the mapping is used
 * afterwards, which is what {@link Segment}'s reference count is for. Every copy is checked against
 * the buffer's bounds first, because a raw copy past them would read another allocation or crash.
 */
public final class Memory {
  /** The JVM option (JDK 24 and later, JEP 498) that decides whether Unsafe may access memory. */
  private static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access";

  private static final Unsafe UNSAFE = loadUnsafe();

  /** The bytes {@link #copyFromFile} reads at a time: small enough to stay in the CPU cache. */
  private static final int READ_CHUNK = 256 << 10;

  /**
   * Each thread's chunk for {@link #copyFromFile}, kept: a fresh direct buffer per call costs a
   * zeroing and a cleaner, more than the copy of a small batch.
   */
  private static final ThreadLocal<ByteBuffer> CHUNK =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(READ_CHUNK));

  private static volatile boolean accessChecked;

  private Memory() {}

  /**
   * Checks that this JVM lets {@code sun.misc.Unsafe} access memory, as Arrow's buffers and this
   * class need, so that a JVM that denies it (JDK 24+ with {@value #UNSAFE_FLAG} set to {@code
   * deny}, the announced default of a later JDK) fails when {@code dataset} opens, not at its first
   * row.
   *
   * @throws LazyArrowException naming the flag that grants the access if it is denied
   */
  public static void requireAccess(Path dataset) {
    if (accessChecked) {
      return;
    }
    try {
      ByteBuffer probe = ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder());
      probe.putLong(0, 42);
      if (UNSAFE.getLong(address(probe)) != 42) {
        throw new UnsupportedOperationException("a probe read back a different value");
      }
    } catch (UnsupportedOperationException | LinkageError e) {
      throw new LazyArrowException(
          dataset,
          "this JVM denies the sun.misc.Unsafe memory access that Arrow Java needs: run java with "
              + UNSAFE_FLAG
              + "=allow",
          e);
    }
    accessChecked = true;
  }

  /** Returns the address of the first byte of {@code buffer}, a direct or mapped buffer. */
  static long address(ByteBuffer buffer) {
    return UNSAFE.getLong(buffer, AddressField.OFFSET);
  }

  /**
   * Copies {@code length} bytes of {@code channel} at {@code position} into {@code buffer} from its
   * writer index on, advancing it: positional reads into a small direct chunk, copied on from there
   * while it is in the CPU cache. Never through a mapping: a file that shrinks under the copy ends
   * it with an {@link IOException}, where a mapping would fault, and a fault in compiled code can
   * kill the JVM.
   *
   * @throws IOException if the range lies past the end of the file, or the file ends first
   */
  public static void copyFromFile(FileChannel channel, long position, ArrowBuf buffer, long length)
      throws IOException {
    if (position < 0 || length < 0 || position + length > channel.size()) {
      throw new IOException(
          "bytes " + position + ".." + (position + length) + " lie past the end of the file");
    }
    if (buffer.writerIndex() + length > buffer.capacity()) {
      throw new IndexOutOfBoundsException(
          "copy of " + length + " bytes into a buffer of " + buffer.capacity());
    }
    ByteBuffer chunk = CHUNK.get();
    long from = address(chunk);
    for (long done = 0; done < length; ) {
      int n = (int) Math.min(length - done, chunk.capacity());
      chunk.clear().limit(n);
      Positional.readFully(channel, position + done, chunk);
      UNSAFE.copyMemory(from, buffer.memoryAddress() + buffer.writerIndex(), n);
      buffer.writerIndex(buffer.writerIndex() + n);
      done += n;
    }
  }

  static void unmap(MappedByteBuffer buffer) {
    UNSAFE.invokeCleaner(buffer);
  }

  /**
   * Returns the byte width of the values of {@code vector} that {@link #copy} copies into a
   * primitive array of the same width: 1, 2, 4 or 8 for int8..int64, float32 and float64, 0 for any
   * other vector.
   */
  public static int width(FieldVector vector) {
    if (vector instanceof IntVector || vector instanceof Float4Vector) {
      return 4;
    } else if (vector instanceof BigIntVector || vector instanceof Float8Vector) {
      return 8;
    } else if (vector instanceof SmallIntVector) {
      return 2;
    }
    return vector instanceof TinyIntVector ? 1 : 0;
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

  /**
   * Copies {@code count} int32 values at byte {@code index} of {@code buf} into {@code into} from
   * its element {@code at} on: into a heap buffer's array, or straight into a direct buffer's
   * memory (which a native engine can take without another copy).
   *
   * @throws IllegalArgumentException if {@code into} is read-only, or direct but not in the native
   *     byte order, Arrow's
   * @throws IndexOutOfBoundsException if the values lie outside the buffer or {@code into}
   * @throws IllegalStateException if the buffer was released
   */
  public static void copy(ArrowBuf buf, long index, IntBuffer into, int at, int count) {
    if (buf.refCnt() == 0) {
      throw new IllegalStateException("buffer already released");
    }
    copyInts(buf.memoryAddress(), buf.capacity(), index, into, at, count);
  }

  /**
   * Copies {@code count} int32 values at byte {@code index} of the {@code capacity} bytes at {@code
   * address} into {@code into} from its element {@code at} on, as {@link #copy(ArrowBuf, long,
   * IntBuffer, int, int)} does: for a caller that looked an open buffer's address and capacity up
   * once for many copies, and keeps the buffer open meanwhile.
   *
   * @throws IllegalArgumentException if {@code into} is read-only, or direct but not in the native
   *     byte order
   * @throws IndexOutOfBoundsException if the values lie outside the bytes or {@code into}
   */
  public static void copyInts(
      long address, long capacity, long index, IntBuffer into, int at, int count) {
    boolean heap = into.hasArray();
    if (!heap
        && (!into.isDirect() || into.isReadOnly() || into.order() != ByteOrder.nativeOrder())) {
      throw new IllegalArgumentException(
          "ints are copied into a writable heap buffer or a direct one in native order, not "
              + into);
    }
    long bytes = (long) Integer.BYTES * count;
    if (index < 0
        || count < 0
        || at < 0
        || index + bytes > capacity
        || (long) at + count > into.capacity()) {
      throw new IndexOutOfBoundsException(
          "copy of "
              + bytes
              + " bytes at "
              + index
              + " from a buffer of "
              + capacity
              + " into element "
              + at
              + " of "
              + into.capacity());
    }
    if (heap) {
      long offset = Unsafe.ARRAY_INT_BASE_OFFSET + (long) Integer.BYTES * (into.arrayOffset() + at);
      UNSAFE.copyMemory(null, address + index, into.array(), offset, bytes);
    } else {
      long to = UNSAFE.getLong(into, AddressField.OFFSET);
      UNSAFE.copyMemory(address + index, to + (long) Integer.BYTES * at, bytes);
    }
  }

  /**
   * Returns the int32 at byte {@code index} of the {@code capacity} bytes at {@code address}, an
   * open buffer's, in the native order.
   *
   * @throws IndexOutOfBoundsException if it lies outside them
   */
  public static int getInt(long address, long capacity, long index) {
    if (index < 0 || index > capacity - Integer.BYTES) {
      throw new IndexOutOfBoundsException(
          "int at byte " + index + " of a buffer of " + capacity + " bytes");
    }
    return UNSAFE.getInt(address + index);
  }

  /**
   * Returns the int64 at byte {@code index} of the {@code capacity} bytes at {@code address}, an
   * open buffer's, in the native order.
   *
   * @throws IndexOutOfBoundsException if it lies outside them
   */
  public static long getLong(long address, long capacity, long index) {
    if (index < 0 || index > capacity - Long.BYTES) {
      throw new IndexOutOfBoundsException(
          "long at byte " + index + " of a buffer of " + capacity + " bytes");
    }
    return UNSAFE.getLong(address + index);
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

  /**
   * Where a {@code java.nio.Buffer} keeps its address, found without making the field accessible; a
   * class of its own so that a JVM denying Unsafe fails in {@link #requireAccess}, not earlier.
   */
  private static final class AddressField {
    static final long OFFSET = offset();

    private static long offset() {
      try {
        return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
      } catch (NoSuchFieldException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
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
