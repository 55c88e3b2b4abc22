package dev.lazyarrow.parquet;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;

/**
 * Checks the page headers of a row group before Parquet-MR reads it: Parquet-MR takes a page's
 * compressed size from its header and, for the last chunk of a row group, allocates what the chunk
 * lacks of it (a workaround for an old writer's bug), and sizes a dictionary by its header's count.
 *
 * <p>The headers are walked as Parquet-MR walks them, from the chunk's first page until the pages
 * hold the chunk's values. Each page must end inside its chunk, or at most {@link #HEADER_SLACK}
 * bytes past it (the old writer's bug) and inside the file; a dictionary may hold no more values
 * than its uncompressed bytes can encode.
 */
final class ParquetPages {
  /** Bytes a page may end past its chunk: Parquet-MR's bound on one page header. */
  static final long HEADER_SLACK = 8192;

  private ParquetPages() {}

  /**
   * Checks the pages of every column chunk of {@code group} in {@code file}, {@code size} bytes.
   *
   * @throws LazyArrowException if a header cannot be read or claims more than its chunk holds
   */
  static void check(Path file, FileChannel channel, long size, BlockMetaData group)
      throws IOException {
    for (ColumnChunkMetaData chunk : group.getColumns()) {
      chunk(file, channel, size, chunk);
    }
  }

  private static void chunk(Path file, FileChannel channel, long size, ColumnChunkMetaData chunk)
      throws IOException {
    long end = chunk.getStartingPos() + chunk.getTotalSize();
    long limit = Math.min(size, end + HEADER_SLACK);
    long at = chunk.getStartingPos();
    long values = 0;
    while (values < chunk.getValueCount()) {
      if (at >= end) {
        throw refuse(
            file,
            chunk,
            "its pages hold "
                + values
                + " values where the chunk ends; it claims "
                + chunk.getValueCount());
      }
      ParquetFooter.Region in = new ParquetFooter.Region(channel, at, limit);
      PageHeader header;
      try {
        header = Util.readPageHeader(in);
      } catch (IOException e) {
        throw refuse(file, chunk, "unreadable page header at offset " + at + ": " + e.getMessage());
      }
      long body = in.offset();
      int compressed = header.getCompressed_page_size();
      if (compressed < 0 || compressed > limit - body) {
        throw refuse(
            file,
            chunk,
            "the page at offset "
                + at
                + " claims "
                + compressed
                + " bytes; its chunk holds "
                + Math.max(0, end - body));
      }
      if (header.isSetDictionary_page_header()) {
        dictionary(file, chunk, at, header);
      } else if (header.isSetData_page_header()) {
        values += count(file, chunk, at, header.getData_page_header().getNum_values());
      } else if (header.isSetData_page_header_v2()) {
        values += count(file, chunk, at, header.getData_page_header_v2().getNum_values());
      }
      at = body + compressed;
    }
  }

  private static int count(Path file, ColumnChunkMetaData chunk, long at, int values) {
    if (values < 0) {
      throw refuse(file, chunk, "the page at offset " + at + " claims " + values + " values");
    }
    return values;
  }

  /** Refuses a dictionary claiming more values than its bytes hold at the type's smallest. */
  private static void dictionary(Path file, ColumnChunkMetaData chunk, long at, PageHeader header) {
    long values = header.getDictionary_page_header().getNum_values();
    long bytes = header.getUncompressed_page_size();
    long most =
        switch (chunk.getPrimitiveType().getPrimitiveTypeName()) {
          case BOOLEAN -> bytes * 8;
          case INT32, FLOAT, BINARY -> bytes / 4;
          case INT64, DOUBLE -> bytes / 8;
          case INT96 -> bytes / 12;
          case FIXED_LEN_BYTE_ARRAY -> bytes / Math.max(1, chunk.getPrimitiveType().getTypeLength());
        };
    if (values < 0 || values > most) {
      throw refuse(
          file,
          chunk,
          "the dictionary page at offset "
              + at
              + " claims "
              + values
              + " values; its "
              + bytes
              + " bytes hold at most "
              + most);
    }
  }

  private static LazyArrowException refuse(Path file, ColumnChunkMetaData chunk, String what) {
    return new LazyArrowException(file, "column chunk " + chunk.getPath() + ": " + what);
  }
}
