package dev.lazyarrow.parquet;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.EncryptionAlgorithm;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * Checks the counts and sizes a Parquet footer claims before Parquet-MR reads it: Parquet-MR keeps
 * every row group and column chunk of the footer in the heap, and builds the schema recursively.
 *
 * <p>The footer is streamed, one row group at a time. Its schema may nest groups at most {@link
 * #MAX_GROUP_DEPTH} deep and hold at most {@link SourceLimits#maxColumns()} leaf columns; it may
 * list at most {@link SourceLimits#maxChunks()} column chunks, each row group one per leaf column,
 * each chunk inside the file, and all of them together no more bytes than the file holds (chunks
 * never share bytes). An encrypted footer is left to Parquet-MR, which refuses it without keys.
 */
final class ParquetFooter {
  /**
   * Groups the schema may nest: Parquet spends two levels (a list and its repeated group) for each
   * Arrow list, so twice {@link SourceLimits#MAX_NESTING}.
   */
  static final int MAX_GROUP_DEPTH = 2 * SourceLimits.MAX_NESTING;

  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooter() {}

  /**
   * Checks the footer of {@code file}, {@code size} bytes read through {@code channel}.
   *
   * @throws LazyArrowException if a claim is out of bounds or the footer cannot be read
   */
  static void check(Path file, FileChannel channel, long size) throws IOException {
    ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    if (size < 12 || channel.read(tail, size - 8) != 8) {
      throw new LazyArrowException(file, "not Parquet: " + size + " bytes, too few for a footer");
    }
    if (!tail.slice(4, 4).equals(ByteBuffer.wrap(MAGIC))) {
      return;
    }
    long length = tail.getInt(0) & 0xFFFFFFFFL;
    if (length > size - 12) {
      throw new LazyArrowException(
          file, "the footer claims " + length + " bytes; the file holds " + size);
    }
    Counts counts = new Counts(file, size);
    try {
      Util.readFileMetaData(new Region(channel, size - 8 - length, size - 8), counts);
    } catch (IOException e) {
      throw new LazyArrowException(file, "unreadable Parquet footer: " + e.getMessage(), e);
    }
  }

  /** Checks the schema and each row group as the footer's reader meets them. */
  private static final class Counts extends Util.FileMetaDataConsumer {
    private final Path file;
    private final long size;
    private int leaves = -1;
    private long chunks;
    private long bytes;

    Counts(Path file, long size) {
      this.file = file;
      this.size = size;
    }

    @Override
    public void setSchema(List<SchemaElement> schema) {
      leaves = leaves(file, schema);
    }

    @Override
    public void addRowGroup(RowGroup group) {
      if (group.getNum_rows() < 0) {
        throw new LazyArrowException(file, "a row group claims " + group.getNum_rows() + " rows");
      }
      if (leaves >= 0 && group.getColumnsSize() != leaves) {
        throw new LazyArrowException(
            file,
            "a row group lists "
                + group.getColumnsSize()
                + " column chunks; the schema has "
                + leaves
                + " columns");
      }
      chunks += group.getColumnsSize();
      if (chunks > SourceLimits.maxChunks()) {
        throw new LazyArrowException(
            file,
            "the footer lists more than "
                + SourceLimits.maxChunks()
                + " column chunks (row groups times columns), more than this heap holds");
      }
      for (ColumnChunk chunk : group.getColumns()) {
        chunk(chunk.getMeta_data());
      }
    }

    private void chunk(ColumnMetaData column) {
      if (column == null) {
        return; // an encrypted column: Parquet-MR refuses it without keys
      }
      long start = column.getData_page_offset();
      if (column.isSetDictionary_page_offset()
          && column.getDictionary_page_offset() > 0
          && column.getDictionary_page_offset() < start) {
        start = column.getDictionary_page_offset();
      }
      long length = column.getTotal_compressed_size();
      if (start < 0 || length < 0 || start > size - length) {
        throw new LazyArrowException(
            file,
            "column chunk "
                + column.getPath_in_schema()
                + " at offset "
                + start
                + " of "
                + length
                + " bytes does not lie inside the file of "
                + size
                + " bytes");
      }
      bytes += length;
      if (bytes > size) {
        throw new LazyArrowException(
            file,
            "the footer's column chunks claim more than the "
                + size
                + " bytes of the file (row groups listed twice?)");
      }
    }

    @Override
    public void setVersion(int version) {}

    @Override
    public void setNumRows(long rows) {}

    @Override
    public void addKeyValueMetaData(KeyValue kv) {}

    @Override
    public void setCreatedBy(String createdBy) {}

    @Override
    public void setEncryptionAlgorithm(EncryptionAlgorithm algorithm) {}

    @Override
    public void setFooterSigningKeyMetadata(byte[] metadata) {}
  }

  /**
   * Counts the leaf columns of a schema, given depth-first as Parquet lists it, without recursion.
   */
  static int leaves(Path file, List<SchemaElement> schema) {
    if (schema.isEmpty()) {
      throw new LazyArrowException(file, "the footer's schema is empty");
    }
    int[] left = new int[MAX_GROUP_DEPTH + 1];
    left[0] = children(file, schema.get(0));
    int depth = 0;
    int leaves = 0;
    for (int i = 1; i < schema.size(); i++) {
      while (depth >= 0 && left[depth] == 0) {
        depth--;
      }
      if (depth < 0) {
        throw new LazyArrowException(
            file, "the schema lists " + schema.size() + " elements; its groups hold " + i);
      }
      left[depth]--;
      SchemaElement element = schema.get(i);
      if (element.isSetType()) {
        if (++leaves > SourceLimits.maxColumns()) {
          throw new LazyArrowException(
              file,
              "the schema has more than "
                  + SourceLimits.maxColumns()
                  + " columns, more than this heap holds");
        }
      } else if (++depth > MAX_GROUP_DEPTH) {
        throw new LazyArrowException(
            file, "the schema nests groups more than " + MAX_GROUP_DEPTH + " deep");
      } else {
        left[depth] = children(file, element);
      }
    }
    for (int d = 0; d <= depth; d++) {
      if (left[d] > 0) {
        throw new LazyArrowException(
            file, "the schema's groups claim more children than its " + schema.size() + " elements");
      }
    }
    return leaves;
  }

  private static int children(Path file, SchemaElement group) {
    int n = group.isSetNum_children() ? group.getNum_children() : 0;
    if (n < 0) {
      throw new LazyArrowException(
          file, "schema group '" + group.getName() + "' claims " + n + " children");
    }
    return n;
  }

  /** Bytes {@code [from, to)} of a file, read by position. */
  static final class Region extends InputStream {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192).limit(0);
    private long position;
    private final long end;

    Region(FileChannel channel, long from, long to) {
      this.channel = channel;
      this.position = from;
      this.end = to;
    }

    /** Returns the offset in the file of the next byte this stream gives. */
    long offset() {
      return position - buffer.remaining();
    }

    @Override
    public int read() throws IOException {
      return fill() ? buffer.get() & 0xFF : -1;
    }

    @Override
    public int read(byte[] into, int from, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(length, buffer.remaining());
      buffer.get(into, from, n);
      return n;
    }

    private boolean fill() throws IOException {
      if (buffer.hasRemaining()) {
        return true;
      }
      if (position >= end) {
        return false;
      }
      buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
      int n = channel.read(buffer, position);
      buffer.flip();
      if (n <= 0) {
        throw new java.io.EOFException("the file ends at " + position + ", before " + end);
      }
      position += n;
      return true;
    }
  }
}
