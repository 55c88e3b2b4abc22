package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.BatchValidator;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Reads some rows of one column of an uncompressed record batch with positional reads, and lays
 * them out as the field nodes and buffers of a batch of those rows only, in IPC order, for {@link
 * BatchValidator} and Arrow's loader.
 *
 * <p>The rows are runs of indices; a level's reads need the level above: a list's offsets give the
 * runs of its items, a string's offsets the bytes of its values. Each offset read is checked (at or
 * above zero, never decreasing, inside the buffer or child it points into) before it sizes a read.
 * The values are the file's bytes; only offsets are rebased and validity bits moved.
 */
public final class ColumnGather {
  private final BodyReader body;
  private final RecordBatch header;
  private final List<ArrowFieldNode> nodes = new ArrayList<>();
  private final List<ArrowBuf> buffers = new ArrayList<>();
  private int node;
  private int buffer;

  private ColumnGather(BodyReader body, RecordBatch header, int node, int buffer) {
    this.body = body;
    this.header = header;
    this.node = node;
    this.buffer = buffer;
  }

  /** The field nodes and buffers of one column's rows, which the caller owns and closes. */
  record Parts(List<ArrowFieldNode> nodes, List<ArrowBuf> buffers) {}

  /**
   * Returns whether {@code field} and its children are all of types read here; the others (views)
   * are read whole.
   */
  static boolean supports(Field field) {
    ArrowType.ArrowTypeID id = field.getType().getTypeID();
    if (id == ArrowType.ArrowTypeID.Utf8View || id == ArrowType.ArrowTypeID.BinaryView) {
      return false;
    }
    return field.getChildren().stream().allMatch(ColumnGather::supports);
  }

  /**
   * Reads rows {@code [from[i], to[i])} of {@code field}, whose node and first buffer in the batch
   * are at {@code node} and {@code buffer}.
   *
   * @throws LazyArrowException naming the file at the first fault
   */
  static Parts read(
      BodyReader body, RecordBatch header, Field field, int node, int buffer, long[][] runs) {
    ColumnGather g = new ColumnGather(body, header, node, buffer);
    try {
      g.field(field, runs[0], runs[1], runs[0].length);
      return new Parts(g.nodes, g.buffers);
    } catch (RuntimeException e) {
      g.buffers.forEach(ArrowBuf::close);
      throw e;
    }
  }

  private void field(Field field, long[] from, long[] to, int count) {
    FieldNode source = header.nodes(new FieldNode(), node++);
    long length = source.length();
    long nulls = source.nullCount();
    long m = 0;
    for (int i = 0; i < count; i++) {
      if (to[i] > length) {
        throw body.fail("needs value " + (to[i] - 1) + " of a node of " + length + " values");
      }
      m += to[i] - from[i];
    }
    if (m > Integer.MAX_VALUE) {
      throw body.fail(m + " values exceed " + Integer.MAX_VALUE);
    }
    ArrowType type = field.getType();
    long outNulls = 0;
    if (type.getTypeID() != ArrowType.ArrowTypeID.Null) {
      outNulls = validity(from, to, count, (int) m, length, nulls);
    } else {
      outNulls = m;
    }
    nodes.add(new ArrowFieldNode(m, outNulls));
    switch (type.getTypeID()) {
      case Null -> {}
      case Struct -> {
        for (Field child : field.getChildren()) {
          field(child, from, to, count);
        }
      }
      case List, Map -> items(field, offsets(from, to, count, 4, -1), count);
      case LargeList -> items(field, offsets(from, to, count, 8, -1), count);
      case FixedSizeList -> {
        long size = ((ArrowType.FixedSizeList) type).getListSize();
        long[] f = new long[count];
        long[] t = new long[count];
        for (int i = 0; i < count; i++) {
          f[i] = from[i] * size;
          t[i] = to[i] * size;
        }
        field(field.getChildren().get(0), f, t, count);
      }
      case Utf8, Binary -> values(offsets(from, to, count, 4, buffer + 1), "values");
      case LargeUtf8, LargeBinary -> values(offsets(from, to, count, 8, buffer + 1), "values");
      case Bool -> buffers.add(bits(from, to, count, (int) m, "values"));
      default -> {
        long width = TypeLayout.getTypeLayout(type).getBufferLayouts().get(1).getTypeBitWidth() / 8;
        long[] f = new long[count];
        long[] t = new long[count];
        for (int i = 0; i < count; i++) {
          f[i] = from[i] * width;
          t[i] = to[i] * width;
        }
        buffers.add(body.gather(buffer++, f, t, count, "values"));
      }
    }
  }

  /** Reads the validity of the runs, returning their null count; no buffer if none is null. */
  private long validity(long[] from, long[] to, int count, int m, long length, long nulls) {
    int b = buffer;
    if (nulls == 0) {
      buffer++;
      buffers.add(body.allocator().getEmpty());
      return 0;
    }
    if (body.length(b) == 0) {
      if (nulls != length) {
        throw body.fail("counts " + nulls + " nulls in " + length + " values but has no validity");
      }
      buffer++;
      ArrowBuf none = body.allocator().buffer((m + 7) / 8);
      none.setZero(0, none.capacity());
      buffers.add(none);
      return m;
    }
    ArrowBuf bits = bits(from, to, count, m, "validity");
    buffers.add(bits);
    long valid = 0;
    for (int i = 0; i < m; i++) {
      valid += (bits.getByte(i >> 3) >> (i & 7)) & 1;
    }
    return m - valid;
  }

  /** Reads the bits of the runs from the next buffer into a new bitmap of {@code m} bits. */
  private ArrowBuf bits(long[] from, long[] to, int count, int m, String what) {
    int b = buffer++;
    // The bytes holding the runs' bits, two runs sharing a byte reading it once; at[r] is where
    // the byte f[r] lands in what is read.
    long[] f = new long[count];
    long[] t = new long[count];
    long[] at = new long[count];
    int ranges = 0;
    long read = 0;
    for (int i = 0; i < count; i++) {
      if (to[i] == from[i]) {
        continue;
      }
      long s = from[i] >> 3;
      long e = ((to[i] - 1) >> 3) + 1;
      if (ranges > 0 && s <= t[ranges - 1]) {
        read += Math.max(0, e - t[ranges - 1]);
        t[ranges - 1] = Math.max(e, t[ranges - 1]);
      } else {
        f[ranges] = s;
        t[ranges] = e;
        at[ranges] = read;
        read += e - s;
        ranges++;
      }
    }
    ArrowBuf out = body.allocator().buffer((m + 7) / 8);
    try (ArrowBuf bytes = body.gather(b, f, t, ranges, what)) {
      out.setZero(0, out.capacity());
      long k = 0;
      int r = 0;
      for (int i = 0; i < count; i++) {
        for (long j = from[i]; j < to[i]; j++, k++) {
          while ((j >> 3) >= t[r]) {
            r++;
          }
          if (((bytes.getByte(at[r] + (j >> 3) - f[r]) >> (j & 7)) & 1) != 0) {
            out.setByte(k >> 3, out.getByte(k >> 3) | (1 << (k & 7)));
          }
        }
      }
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  /**
   * Reads the offsets of the runs from the next buffer, checks them against {@code limitBuffer}'s
   * length (the values of a string) or, if it is -1, against the child's length, adds the rebased
   * offsets to the batch and returns the runs of what they point at.
   */
  private long[][] offsets(long[] from, long[] to, int count, int width, int limitBuffer) {
    int b = buffer++;
    long[] f = new long[count];
    long[] t = new long[count];
    long m = 0;
    for (int i = 0; i < count; i++) {
      f[i] = from[i] * width;
      t[i] = (to[i] + 1) * width;
      m += to[i] - from[i];
    }
    long limit =
        limitBuffer >= 0 ? body.length(limitBuffer) : header.nodes(new FieldNode(), node).length();
    long[] itemFrom = new long[count];
    long[] itemTo = new long[count];
    ArrowBuf out = body.allocator().buffer((m + 1) * width);
    try (ArrowBuf read = body.gather(b, f, t, count, "offsets")) {
      long at = 0;
      long k = 0;
      long r = 0;
      put(out, 0, width, 0);
      for (int i = 0; i < count; i++) {
        long previous = get(read, r++, width);
        itemFrom[i] = previous;
        if (previous < 0 || previous > limit) {
          throw body.fail("has offset " + previous + " outside 0.." + limit);
        }
        for (long j = from[i]; j < to[i]; j++) {
          long next = get(read, r++, width);
          if (next < previous || next > limit) {
            throw body.fail(
                "has offset "
                    + next
                    + " after "
                    + previous
                    + ", outside "
                    + previous
                    + ".."
                    + limit);
          }
          at += next - previous;
          if (at > Integer.MAX_VALUE) {
            throw body.fail("rows hold more than " + Integer.MAX_VALUE + " values");
          }
          put(out, ++k, width, at);
          previous = next;
        }
        itemTo[i] = previous;
      }
      buffers.add(out);
      return new long[][] {itemFrom, itemTo};
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
  }

  private void items(Field field, long[][] runs, int count) {
    field(field.getChildren().get(0), runs[0], runs[1], count);
  }

  private void values(long[][] runs, String what) {
    buffers.add(body.gather(buffer++, runs[0], runs[1], runs[0].length, what));
  }

  private static long get(ArrowBuf buf, long index, int width) {
    return width == 4 ? buf.getInt(index * 4) : buf.getLong(index * 8);
  }

  private static void put(ArrowBuf buf, long index, int width, long value) {
    if (width == 4) {
      buf.setInt(index * 4, (int) value);
    } else {
      buf.setLong(index * 8, value);
    }
  }
}
