package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Checks a record batch's field nodes and buffers against its schema before Arrow loads it, so that
 * no value read afterwards can fall outside a buffer and Arrow never writes into the mapping.
 *
 * <p>Arrow Java's {@code VectorLoader} trusts the file: a field node shorter than the batch makes
 * it "fill holes" by writing offsets into the (read-only, mapped) buffer, which kills the JVM, and
 * offsets past their data make every later read go astray. This walk, in the loader's order (depth
 * first, a field's node and buffers before its children's), checks that every node's length and
 * null count fit its parent, that validity, offset and value buffers hold what their length needs,
 * that offsets start at or above zero, never decrease and stay inside their values, that view and
 * dictionary references point inside what they reference, and that nesting is at most {@link
 * #MAX_DEPTH} deep, and that each validity bitmap has as many unset bits as its node counts nulls.
 * It reads offsets, views, dictionary indices and validity bitmaps: O(rows), never O(bytes) of
 * values.
 *
 * <p>Compressed buffers are decompressed as they are reached, within bounds their field sets (see
 * {@link BatchBuffers}).
 */
public final class BatchValidator {
  /** The deepest nesting of lists and structs accepted; deeper schemas are refused. */
  static final int MAX_DEPTH = 64;

  private final Path file;
  private final String batch;
  private final Map<Long, Dictionary> dictionaries;
  private final Iterator<ArrowFieldNode> nodes;
  private final Iterator<Long> variadicCounts;
  private final BatchBuffers buffers;

  /** The names from the top-level column down to the field being checked, for messages. */
  private final Deque<String> column = new ArrayDeque<>();

  private BatchValidator(
      Path file,
      String batch,
      ArrowRecordBatch data,
      Map<Long, Dictionary> dictionaries,
      BufferAllocator allocator) {
    this.file = file;
    this.batch = batch;
    this.dictionaries = dictionaries;
    this.nodes = data.getNodes().iterator();
    this.variadicCounts = data.getVariadicBufferCounts().iterator();
    this.buffers = new BatchBuffers(data, allocator, this::fail);
  }

  /**
   * Checks {@code data}, record batch (or dictionary) {@code batch} of {@code file}, against {@code
   * fields}, and returns what to load: {@code data} itself if it is not compressed, otherwise a new
   * uncompressed batch that the caller closes too.
   *
   * @param dictionaries the dictionaries loaded so far, by id, for the indices to be checked
   *     against
   * @throws LazyArrowException naming the file, the batch and the column at the first fault
   */
  static ArrowRecordBatch check(
      Path file,
      String batch,
      List<Field> fields,
      ArrowRecordBatch data,
      Map<Long, Dictionary> dictionaries,
      BufferAllocator allocator) {
    BatchValidator v = new BatchValidator(file, batch, data, dictionaries, allocator);
    try (v.buffers) {
      for (Field field : fields) {
        v.column.addLast(field.getName());
        v.field(field, data.getLength(), true, 1);
        v.column.removeLast();
      }
      if (v.nodes.hasNext() || v.buffers.left() > 0 || v.variadicCounts.hasNext()) {
        throw v.fail("holds more field nodes, buffers or view buffer counts than its schema has");
      }
      return v.buffers.toLoad();
    }
  }

  private void field(Field field, long parentNeeds, boolean exact, int depth) {
    if (depth > MAX_DEPTH) {
      throw fail("nests deeper than " + MAX_DEPTH + " levels");
    }
    if (!nodes.hasNext()) {
      throw fail("has no field node (the batch holds fewer than its schema has)");
    }
    ArrowFieldNode node = nodes.next();
    int n = node.getLength();
    long nulls = node.getNullCount();
    if (n < 0 || (exact ? n != parentNeeds : n < parentNeeds)) {
      throw fail(
          "holds "
              + n
              + " values, "
              + (exact ? "the batch holds " : "its parent needs at least ")
              + parentNeeds);
    }
    if (nulls < 0 || nulls > n) {
      throw fail("counts " + nulls + " nulls in " + n + " values");
    }
    ArrowType type = field.getType();
    ArrowBuf validity = type.getTypeID() == ArrowType.ArrowTypeID.Null ? null : validity(n, nulls);
    switch (type.getTypeID()) {
      case Null -> {}
      case Struct -> children(field, n, depth);
      case List, Map -> children(field, offsets(n, 4, "offsets"), depth);
      case LargeList -> children(field, offsets(n, 8, "offsets"), depth);
      case FixedSizeList -> {
        long size = ((ArrowType.FixedSizeList) type).getListSize();
        if (size < 0 || n * size > Integer.MAX_VALUE) {
          throw fail(n + " lists of " + size + " values exceed " + Integer.MAX_VALUE + " values");
        }
        children(field, n * size, depth);
      }
      case Utf8, Binary -> buffer("values", offsets(n, 4, "offsets"));
      case LargeUtf8, LargeBinary -> buffer("values", offsets(n, 8, "offsets"));
      case Utf8View, BinaryView -> views(n, validity);
      case Bool -> buffer("values", bytesForBits(n));
      case Int,
          FloatingPoint,
          Decimal,
          Date,
          Time,
          Timestamp,
          Duration,
          Interval,
          FixedSizeBinary -> {
        long width = TypeLayout.getTypeLayout(type).getBufferLayouts().get(1).getTypeBitWidth() / 8;
        ArrowBuf values = buffer("values", n * width);
        if (field.getDictionary() != null) {
          indices(field.getDictionary(), values, (int) width, n, validity);
        }
      }
      default -> throw fail("is of type " + type + ", which LazyArrow does not read");
    }
  }

  private void children(Field field, long needs, int depth) {
    for (Field child : field.getChildren()) {
      column.addLast(child.getName());
      field(child, needs, false, depth + 1);
      column.removeLast();
    }
  }

  /** Returns the validity buffer, or null if the node says every value is valid or every null. */
  private ArrowBuf validity(int n, long nulls) {
    ArrowBuf buf = buffer("validity", 0, bytesForBits(n));
    if (buf.capacity() == 0) {
      if (nulls != 0 && nulls != n) {
        throw fail("counts " + nulls + " nulls in " + n + " values but has no validity buffer");
      }
      return null;
    }
    if (buf.capacity() < bytesForBits(n)) {
      throw tooSmall("validity", buf, bytesForBits(n));
    }
    // A null count that disagrees with the bitmap makes readers that trust the count (as
    // getNullCount users and Arrow's own fast paths do) see other rows than readers of the bits:
    // refused as pyarrow refuses it, at a cost of one bit count per 64 rows.
    long valid = validBits(buf, n);
    if (n - valid != nulls) {
      throw fail(
          "counts "
              + nulls
              + " nulls in "
              + n
              + " values but its validity bitmap has "
              + (n - valid));
    }
    return buf;
  }

  /** Returns how many of the first {@code n} bits of {@code bits} are set. */
  private static long validBits(ArrowBuf bits, int n) {
    long set = 0;
    int words = n >>> 6;
    for (int w = 0; w < words; w++) {
      set += Long.bitCount(bits.getLong((long) w * Long.BYTES));
    }
    for (int i = words << 6; i < n; i++) {
      if (isValid(bits, i)) {
        set++;
      }
    }
    return set;
  }

  /** Checks {@code n} values' offsets of {@code width} bytes and returns the last one. */
  private long offsets(int n, int width, String what) {
    ArrowBuf buf = buffer(what, n == 0 ? 0 : (n + 1L) * width, (n + 1L) * width);
    if (n == 0) {
      return 0;
    }
    long previous = width == 4 ? buf.getInt(0) : buf.getLong(0);
    if (previous < 0) {
      throw fail("starts its offsets at " + previous);
    }
    for (int i = 1; i <= n; i++) {
      long next = width == 4 ? buf.getInt((long) i * 4) : buf.getLong((long) i * 8);
      if (next < previous) {
        throw fail(
            "has offset " + i + " = " + next + " below offset " + (i - 1) + " = " + previous);
      }
      previous = next;
    }
    if (previous > Integer.MAX_VALUE) {
      throw fail("ends its offsets at " + previous + ", past " + Integer.MAX_VALUE);
    }
    return previous;
  }

  private void views(int n, ArrowBuf validity) {
    ArrowBuf views = buffer("views", 16L * n);
    if (!variadicCounts.hasNext()) {
      throw fail("has no count of view buffers");
    }
    long count = variadicCounts.next();
    if (count < 0 || count > buffers.left()) {
      throw fail("claims " + count + " view buffers; the batch has " + buffers.left() + " left");
    }
    long[] needs = new long[(int) count];
    for (int i = 0; i < n; i++) {
      int length = views.getInt(16L * i);
      if (length > 12 && isValid(validity, i)) {
        int index = views.getInt(16L * i + 8);
        int offset = views.getInt(16L * i + 12);
        if (index < 0 || index >= count || offset < 0) {
          throw fail("view " + i + " points at buffer " + index + " offset " + offset);
        }
        needs[index] = Math.max(needs[index], (long) offset + length);
      } else if (length < 0) {
        throw fail("view " + i + " has length " + length);
      }
    }
    for (long need : needs) {
      buffer("view data", need);
    }
  }

  private void indices(
      DictionaryEncoding encoding, ArrowBuf values, int width, int n, ArrowBuf validity) {
    Dictionary dictionary = dictionaries.get(encoding.getId());
    if (dictionary == null) {
      throw fail("refers to dictionary " + encoding.getId() + ", which the file does not hold");
    }
    long size = dictionary.getVector().getValueCount();
    boolean signed = encoding.getIndexType().getIsSigned();
    for (int i = 0; i < n; i++) {
      long index =
          switch (width) {
            case 1 -> signed ? values.getByte(i) : values.getByte(i) & 0xFFL;
            case 2 -> signed ? values.getShort(2L * i) : values.getShort(2L * i) & 0xFFFFL;
            case 4 -> signed ? values.getInt(4L * i) : values.getInt(4L * i) & 0xFFFFFFFFL;
            default -> values.getLong(8L * i);
          };
      if ((index < 0 || index >= size) && isValid(validity, i)) {
        throw fail("has dictionary index " + index + " at row " + i + ", outside 0.." + (size - 1));
      }
    }
  }

  private static boolean isValid(ArrowBuf validity, int i) {
    return validity == null || ((validity.getByte(i >> 3) >> (i & 7)) & 1) != 0;
  }

  private ArrowBuf buffer(String what, long needs) {
    ArrowBuf buf = buffer(what, needs, needs);
    if (buf.capacity() < needs) {
      throw tooSmall(what, buf, needs);
    }
    return buf;
  }

  private ArrowBuf buffer(String what, long leastNeeded, long mostNeeded) {
    return buffers.next(what, leastNeeded, mostNeeded);
  }

  private static long bytesForBits(long n) {
    return (n + 7) / 8;
  }

  private LazyArrowException tooSmall(String what, ArrowBuf buf, long needs) {
    return fail("has a " + what + " buffer of " + buf.capacity() + " bytes; it needs " + needs);
  }

  private LazyArrowException fail(String what) {
    return new LazyArrowException(
        file,
        batch
            + (column.isEmpty() ? "" : ", column '" + String.join(".", column) + "'")
            + ": "
            + what);
  }
}
