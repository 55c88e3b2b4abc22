package dev.lazyarrow;

import dev.lazyarrow.internal.bytes.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.ExtensionTypeVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ViewVarBinaryVector;
import org.apache.arrow.vector.ViewVarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;

/**
 * Reads one value of a column vector as a plain Java value; built once per loaded batch and column.
 *
 * <p>The mapping from Arrow types to Java values is {@link Row}'s contract: see its class comment.
 */
@FunctionalInterface
interface ValueReader {
  /** Returns the value at {@code index}, or {@code null} for a null slot. */
  Object read(int index);

  /**
   * Returns the reader for {@code vector}, decoding dictionary indices through {@code
   * dictionaries}. The validity of the vectors in {@code noNulls}, known to hold no null, is never
   * read: for a random row, that read is a cache miss per column.
   */
  static ValueReader of(
      FieldVector vector, DictionaryProvider dictionaries, Set<FieldVector> noNulls) {
    DictionaryEncoding encoding = vector.getField().getDictionary();
    ValueReader reader;
    if (encoding != null) {
      Dictionary dictionary = dictionaries.lookup(encoding.getId());
      ValueReader values = of(dictionary.getVector(), dictionaries, noNulls);
      BaseIntVector indices = (BaseIntVector) vector;
      reader = i -> values.read((int) indices.getValueAsLong(i));
    } else if (vector instanceof ExtensionTypeVector<?> ext) {
      return of(ext.getUnderlyingVector(), dictionaries, noNulls);
    } else if (vector instanceof NullVector) {
      return i -> null;
    } else {
      ValueReader plain = scalar(vector);
      reader = plain != null ? plain : nested(vector, dictionaries, noNulls);
    }
    ValueReader valid = reader;
    return noNulls.contains(vector) ? valid : i -> vector.isNull(i) ? null : valid.read(i);
  }

  private static ValueReader scalar(FieldVector v) {
    if (v instanceof BitVector b) {
      return i -> b.get(i) != 0;
    } else if (v instanceof TinyIntVector t) {
      return t::get;
    } else if (v instanceof SmallIntVector s) {
      return s::get;
    } else if (v instanceof IntVector n) {
      return n::get;
    } else if (v instanceof BigIntVector b) {
      return b::get;
    } else if (v instanceof UInt1Vector u) {
      return i -> UInt1Vector.getNoOverflow(u.getDataBuffer(), i);
    } else if (v instanceof UInt2Vector u) {
      return i -> (int) u.get(i);
    } else if (v instanceof UInt4Vector u) {
      return i -> UInt4Vector.getNoOverflow(u.getDataBuffer(), i);
    } else if (v instanceof UInt8Vector u) {
      return u::get;
    } else if (v instanceof Float2Vector f) {
      return f::getValueAsFloat;
    } else if (v instanceof Float4Vector f) {
      return f::get;
    } else if (v instanceof Float8Vector f) {
      return f::get;
    } else if (v instanceof ViewVarCharVector view) {
      return i -> new String(view.get(i), StandardCharsets.UTF_8);
    } else if (v instanceof ViewVarBinaryVector view) {
      return view::get;
    } else if (v instanceof VarCharVector || v instanceof LargeVarCharVector) {
      return i -> new String(bytes(v, i), StandardCharsets.UTF_8);
    } else if (v instanceof BaseVariableWidthVector || v instanceof BaseLargeVariableWidthVector) {
      return i -> bytes(v, i);
    } else if (v instanceof FixedSizeBinaryVector f) {
      return f::get;
    } else if (v instanceof TimeStampVector t) {
      return t::get;
    } else if (v instanceof DateDayVector d) {
      return d::get;
    } else if (v instanceof DateMilliVector d) {
      return d::get;
    } else if (v instanceof TimeSecVector t) {
      return t::get;
    } else if (v instanceof TimeMilliVector t) {
      return t::get;
    } else if (v instanceof TimeMicroVector t) {
      return t::get;
    } else if (v instanceof TimeNanoVector t) {
      return t::get;
    } else if (v instanceof DurationVector d) {
      return i -> DurationVector.get(d.getDataBuffer(), i);
    }
    return null;
  }

  private static ValueReader nested(
      FieldVector v, DictionaryProvider dictionaries, Set<FieldVector> noNulls) {
    if (v instanceof ListVector l) {
      RangeReader items = range(l.getDataVector(), dictionaries, noNulls);
      ArrowBuf offsets = l.getOffsetBuffer();
      return i -> items.read(offsets.getInt(4L * i), offsets.getInt(4L * i + 4));
    } else if (v instanceof LargeListVector l) {
      RangeReader items = range(l.getDataVector(), dictionaries, noNulls);
      ArrowBuf offsets = l.getOffsetBuffer();
      return i ->
          items.read(
              Math.toIntExact(offsets.getLong(8L * i)),
              Math.toIntExact(offsets.getLong(8L * i + 8)));
    } else if (v instanceof FixedSizeListVector l) {
      RangeReader items = range(l.getDataVector(), dictionaries, noNulls);
      int size = l.getListSize();
      return i -> items.read(i * size, i * size + size);
    } else if (v instanceof StructVector s) {
      List<String> names = new ArrayList<>();
      List<ValueReader> readers = new ArrayList<>();
      for (FieldVector child : s.getChildrenFromFields()) {
        names.add(child.getName());
        readers.add(of(child, dictionaries, noNulls));
      }
      return i -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int k = 0; k < names.size(); k++) {
          map.put(names.get(k), readers.get(k).read(i));
        }
        return Collections.unmodifiableMap(map);
      };
    }
    return v::getObject;
  }

  /** Reads the values {@code [start, end)} of a list's child vector as one list. */
  @FunctionalInterface
  interface RangeReader {
    List<Object> read(int start, int end);
  }

  private static RangeReader range(
      FieldVector child, DictionaryProvider dictionaries, Set<FieldVector> noNulls) {
    int width = child.getField().getDictionary() == null ? Memory.width(child) : 0;
    // Counting nulls walks the whole validity buffer: once per batch, and only if the batch's
    // metadata does not tell.
    boolean hasNulls = !noNulls.contains(child) && child.getNullCount() > 0;
    if (width > 0) {
      return (start, end) -> bulk((BaseFixedWidthVector) child, start, end, width, hasNulls);
    }
    if (child instanceof BitVector b && child.getField().getDictionary() == null) {
      return (start, end) -> {
        boolean[] values = new boolean[end - start];
        for (int k = 0; k < values.length; k++) {
          values[k] = !b.isNull(start + k) && b.get(start + k) != 0;
        }
        return new PrimitiveList(values, values.length, hasNulls ? nulls(b, start, end) : null);
      };
    }
    ValueReader items = of(child, dictionaries, noNulls);
    return (start, end) -> {
      List<Object> out = new ArrayList<>(end - start);
      for (int k = start; k < end; k++) {
        out.add(items.read(k));
      }
      return Collections.unmodifiableList(out);
    };
  }

  private static PrimitiveList bulk(
      BaseFixedWidthVector child, int start, int end, int width, boolean hasNulls) {
    int n = end - start;
    Object array =
        child instanceof Float4Vector
            ? new float[n]
            : child instanceof Float8Vector
                ? new double[n]
                : width == 8
                    ? new long[n]
                    : width == 4 ? new int[n] : width == 2 ? new short[n] : new byte[n];
    Memory.copy(child.getDataBuffer(), (long) start * width, array, n, width);
    return new PrimitiveList(array, n, hasNulls ? nulls(child, start, end) : null);
  }

  private static BitSet nulls(FieldVector child, int start, int end) {
    BitSet nulls = new BitSet(end - start);
    for (int k = start; k < end; k++) {
      if (child.isNull(k)) {
        nulls.set(k - start);
      }
    }
    return nulls;
  }

  private static byte[] bytes(FieldVector v, int i) {
    ArrowBuf offsets = v.getOffsetBuffer();
    long start;
    long end;
    if (v instanceof BaseLargeVariableWidthVector) {
      start = offsets.getLong(8L * i);
      end = offsets.getLong(8L * i + 8);
    } else {
      start = offsets.getInt(4L * i);
      end = offsets.getInt(4L * i + 4);
    }
    byte[] out = new byte[Math.toIntExact(end - start)];
    v.getDataBuffer().getBytes(start, out);
    return out;
  }
}
