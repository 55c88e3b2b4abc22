package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The number of items in every row's list of one column of a shard, read from the list offsets
 * alone (and the validity bits, where a batch counts nulls) with positional reads of those buffers'
 * bytes: no record batch is loaded and no item is read, so a scan touches a few bytes a row
 * whatever the lists hold.
 *
 * <p>Everything read is checked before it is used: the batch's buffers inside its body ({@link
 * OpenShard#header}), the list node's length that of the batch, the offsets at or above zero, never
 * decreasing and ending inside the items its child node holds, those items inside the child's
 * values buffer, and the null count that of the validity bits. Of a compressed batch, the offsets
 * and validity buffers alone are read and decompressed, their declared sizes checked against the
 * batch's rows first ({@link PlainBuffer}). A batch whose checksum is to be checked is loaded whole
 * ({@link ShardFile#load}), as the checksum needs, and its vector gives the lengths.
 */
public final class ListLengths {
  /** The most bytes one read moves at a time: a batch of millions of rows is read in parts. */
  private static final int CHUNK = 1 << 14;

  /** The record batches one task reads, one after another. */
  private static final int RUN = 16;

  private final ShardFile file;
  private final OpenShard shard;
  private final int column;
  private final int width;
  private final String name;
  private final int[] out;
  private final int at;
  private ByteBuffer chunk;

  private ListLengths(ShardFile file, int column, int[] out, int at) {
    this.file = file;
    this.shard = file.state();
    this.column = column;
    Field field = shard.schema.getFields().get(column);
    this.name = field.getName();
    this.width =
        switch (field.getType().getTypeID()) {
          case List, Map -> 4;
          case LargeList -> 8;
          case FixedSizeList -> 0;
          default ->
              throw new IllegalArgumentException(
                  "column '" + name + "' is " + field.getType() + ", not a list");
        };
    this.out = out;
    this.at = at;
  }

  /**
   * Writes the length of every row's list in column {@code column} (a schema position) of each of
   * {@code files} into {@code out}, row {@code r} of file {@code k} at {@code out[firstRows[k] +
   * r]}; a null list has length 0. The batches are read in runs, many runs in flight on the range
   * readers' pool ({@link RangeReads}), so that a scan of files out of the page cache keeps the
   * disk busy. With {@code verifyChecksums}, each batch is loaded whole and checked against its
   * recorded checksum instead.
   *
   * @throws IllegalArgumentException if the column is not a list column, or a list holds more than
   *     2^31 - 1 items
   * @throws LazyArrowException naming the file if it changed since it was opened, or what was read
   *     is corrupt
   */
  public static void read(
      List<ShardFile> files, long[] firstRows, int column, int[] out, boolean verifyChecksums) {
    List<Callable<Void>> runs = new ArrayList<>();
    for (int k = 0; k < files.size(); k++) {
      ShardFile file = files.get(k);
      OpenShard shard = file.state();
      shard.checkUnchanged();
      int at = Math.toIntExact(firstRows[k]);
      int batches = shard.blocks.batchBlocks().size();
      for (int b = 0; b < batches; b += RUN) {
        int from = b;
        int to = Math.min(batches, b + RUN);
        ListLengths scan = new ListLengths(file, column, out, at);
        runs.add(
            () -> {
              scan.batches(from, to, verifyChecksums);
              return null;
            });
      }
    }
    RangeReads.run(runs);
  }

  /** Reads the lengths of batches {@code [from, to)}. */
  private void batches(int from, int to, boolean verifyChecksums) {
    chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long[] starts = shard.blocks.batchStarts();
    for (int b = from; b < to; b++) {
      int rows = (int) (starts[b + 1] - starts[b]);
      if (rows == 0) {
        continue;
      }
      int base = Math.addExact(at, (int) starts[b]);
      if (verifyChecksums) {
        loaded(b, base, rows);
      } else {
        ranges(b, shard.header(b), base, rows);
      }
    }
  }

  /** Reads the lengths of batch {@code b}, whose metadata is {@code header}, by its buffers. */
  private void ranges(int b, RecordBatch header, int base, int rows) {
    FieldPositions positions = new FieldPositions(shard.path, b, shard.schema.getFields(), header);
    FieldNode node = header.nodes(new FieldNode(), positions.firstNode[column]);
    FieldNode child = header.nodes(new FieldNode(), positions.firstNode[column] + 1);
    if (node.length() != rows) {
      throw fail(b, "holds " + node.length() + " lists, the batch holds " + rows + " rows");
    }
    if (node.nullCount() < 0 || node.nullCount() > rows) {
      throw fail(b, "counts " + node.nullCount() + " nulls in " + rows + " lists");
    }
    int buffer = positions.firstBuffer[column];
    long items = child.length();
    checkItems(b, header, buffer + (width == 0 ? 2 : 3), items);
    if (width == 0) {
      int size =
          ((ArrowType.FixedSizeList) shard.schema.getFields().get(column).getType()).getListSize();
      if (items < (long) rows * size) {
        throw fail(b, "holds " + items + " items, " + rows + " lists of " + size + " need more");
      }
      Arrays.fill(out, base, base + rows, size);
    } else {
      try (PlainBuffer offsets = buffer(b, header, buffer + 1, (rows + 1L) * width)) {
        offsets(b, offsets, base, rows, items);
      }
    }
    if (node.nullCount() > 0) {
      try (PlainBuffer validity = buffer(b, header, buffer, (rows + 7L) / 8)) {
        nulls(b, validity, base, rows, node.nullCount());
      }
    }
  }

  private PlainBuffer buffer(int b, RecordBatch header, int index, long most) {
    return new PlainBuffer(file, b, header, index, most);
  }

  /** Reads the offsets in buffer {@code buffer} and writes their differences, checked. */
  private void offsets(int b, PlainBuffer offsets, int base, int rows, long items) {
    long count = rows + 1L;
    if (offsets.length() < count * width) {
      throw fail(b, "has " + offsets.length() + " bytes of offsets for " + rows + " lists");
    }
    long previous = 0;
    for (long done = 0; done < count; ) {
      int n = (int) Math.min(CHUNK / width, count - done);
      ByteBuffer bytes = read(offsets, done * width, n * width);
      for (int k = 0; k < n; k++) {
        long next = width == 4 ? bytes.getInt(4 * k) : bytes.getLong(8 * k);
        long i = done + k;
        if (i == 0) {
          if (next < 0) {
            throw fail(b, "starts its offsets at " + next);
          }
        } else if (next < previous) {
          throw fail(
              b, "has offset " + i + " = " + next + " below offset " + (i - 1) + " = " + previous);
        } else if (next - previous > Integer.MAX_VALUE) {
          throw tooLong(base + i - 1, next - previous);
        } else {
          out[(int) (base + i - 1)] = (int) (next - previous);
        }
        previous = next;
      }
      done += n;
    }
    if (previous > items) {
      throw fail(b, "ends its offsets at " + previous + ", past the " + items + " items it holds");
    }
  }

  /** Zeroes the lengths of the null lists, checking the bits against the node's null count. */
  private void nulls(int b, PlainBuffer validity, int base, int rows, long nulls) {
    long bytes = (rows + 7L) / 8;
    if (validity.length() < bytes) {
      throw fail(b, "counts " + nulls + " nulls but has " + validity.length() + " validity bytes");
    }
    long found = 0;
    for (long done = 0; done < bytes; ) {
      int n = (int) Math.min(CHUNK, bytes - done);
      ByteBuffer bits = read(validity, done, n);
      for (int k = 0; k < n; k++) {
        int bitsOf = bits.get(k);
        for (int j = 0; j < 8; j++) {
          long row = (done + k) * 8 + j;
          if (row < rows && (bitsOf & (1 << j)) == 0) {
            out[(int) (base + row)] = 0;
            found++;
          }
        }
      }
      done += n;
    }
    if (found != nulls) {
      throw fail(b, "counts " + nulls + " nulls, its validity bits " + found);
    }
  }

  /** Checks that {@code items} fixed-width values fit the child's values buffer, if it has one. */
  private void checkItems(int b, RecordBatch header, int childValues, long items) {
    if (items < 0) {
      throw fail(b, "holds " + items + " items");
    }
    ArrowType type = shard.schema.getFields().get(column).getChildren().get(0).getType();
    int bits =
        type instanceof ArrowType.Int i
            ? i.getBitWidth()
            : type instanceof ArrowType.FloatingPoint f
                ? switch (f.getPrecision()) {
                  case HALF -> 16;
                  case SINGLE -> 32;
                  case DOUBLE -> 64;
                }
                : 0;
    if (bits == 0) {
      return;
    }
    long length;
    try (PlainBuffer values = buffer(b, header, childValues, Long.MAX_VALUE / 4)) {
      length = values.length();
    }
    if (length / (bits / 8) < items) {
      throw fail(b, "holds " + items + " items in a values buffer of " + length + " bytes");
    }
  }

  /** Reads the lengths of batch {@code b} through its vector, loaded whole. */
  private void loaded(int b, int base, int rows) {
    VectorSchemaRoot root = file.load(b, true).root();
    try {
      FieldVector vector = root.getVector(column);
      for (int i = 0; i < rows; i++) {
        out[base + i] = vector.isNull(i) ? 0 : length(vector, i, base + i);
      }
    } finally {
      root.close();
    }
  }

  private int length(FieldVector vector, int i, long row) {
    if (vector instanceof ListVector list) {
      ArrowBuf offsets = list.getOffsetBuffer();
      return offsets.getInt(4L * i + 4) - offsets.getInt(4L * i);
    } else if (vector instanceof LargeListVector list) {
      ArrowBuf offsets = list.getOffsetBuffer();
      long length = offsets.getLong(8L * i + 8) - offsets.getLong(8L * i);
      if (length > Integer.MAX_VALUE) {
        throw tooLong(row, length);
      }
      return (int) length;
    }
    return ((FixedSizeListVector) vector).getListSize();
  }

  /** Returns {@code length} plain bytes of {@code buffer} at {@code offset}, in the chunk. */
  private ByteBuffer read(PlainBuffer buffer, long offset, int length) {
    chunk.clear().limit(length);
    buffer.read(offset, chunk);
    return chunk;
  }

  /** Returns the error for the list at {@code out[index]}, of {@code length} items. */
  private IllegalArgumentException tooLong(long index, long length) {
    return new IllegalArgumentException(
        "row "
            + (index - at)
            + " of column '"
            + name
            + "' in "
            + shard.path
            + " holds "
            + length
            + " items, more than the 2^31 - 1 a length may be");
  }

  private LazyArrowException fail(int b, String what) {
    return new LazyArrowException(
        shard.path, "record batch " + b + ", column '" + name + "': list " + what);
  }
}
