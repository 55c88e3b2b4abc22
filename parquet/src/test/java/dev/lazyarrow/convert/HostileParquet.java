package dev.lazyarrow.convert;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.Util;

/**
 * Makes Parquet files whose page headers or footer are legal Thrift but lie in magnitude, by
 * rewriting a valid file: a test writes a small file from a fixture and patches one claim.
 */
final class HostileParquet {
  private HostileParquet() {}

  /**
   * Copies Parquet file {@code from} to {@code to} with {@code edit} applied to the header of the
   * first page of the chunk of column {@code column} in the first row group. The header may grow,
   * so the chunk is copied after the data, before a new footer that points to it: nothing else
   * moves, and the chunk keeps its size but for the header's growth.
   */
  static void editFirstPage(Path from, Path to, int column, Consumer<PageHeader> edit)
      throws IOException {
    byte[] bytes = Files.readAllBytes(from);
    int footerStart = footerStart(bytes);
    FileMetaData footer = footer(bytes);
    ColumnChunk chunk = footer.getRow_groups().get(0).getColumns().get(column);
    ColumnMetaData meta = chunk.getMeta_data();
    long start = meta.getData_page_offset();
    if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0) {
      start = Math.min(start, meta.getDictionary_page_offset());
    }
    ByteArrayInputStream in =
        new ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start);
    PageHeader header = Util.readPageHeader(in);
    int headerLength = bytes.length - (int) start - in.available();
    edit.accept(header);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, footerStart);
    Util.writePageHeader(header, out);
    long grown = out.size() - footerStart - headerLength;
    out.write(
        bytes, (int) start + headerLength, (int) meta.getTotal_compressed_size() - headerLength);
    long moved = footerStart - start;
    meta.setData_page_offset(
        meta.getData_page_offset() + moved + (meta.getData_page_offset() > start ? grown : 0));
    if (meta.isSetDictionary_page_offset() && meta.getDictionary_page_offset() > 0) {
      meta.setDictionary_page_offset(meta.getDictionary_page_offset() + moved);
    }
    meta.setTotal_compressed_size(meta.getTotal_compressed_size() + grown);
    if (chunk.getFile_offset() >= start) {
      chunk.setFile_offset(chunk.getFile_offset() + moved);
    }
    writeFooter(out, footer);
    Files.write(to, out.toByteArray());
  }

  /**
   * Copies Parquet file {@code from} to {@code to} keeping only its first column ({@code id}, an
   * int64 without the Arrow schema) and replacing the footer's row groups and columns: {@code
   * rowGroups} copies of the first row group, each with {@code columns} copies of its first chunk
   * (columns {@code c0}, {@code c1}, ...). Every copy points at the same bytes.
   */
  static void copyChunks(Path from, Path to, int rowGroups, int columns) throws IOException {
    byte[] bytes = Files.readAllBytes(from);
    FileMetaData footer = footer(bytes);
    SchemaElement root = footer.getSchema().get(0).setNum_children(columns);
    SchemaElement first = footer.getSchema().get(1);
    List<SchemaElement> schema = new ArrayList<>(List.of(root));
    RowGroup group = footer.getRow_groups().get(0);
    ColumnChunk chunk = group.getColumns().get(0);
    List<ColumnChunk> chunks = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      schema.add(first.deepCopy().setName("c" + c));
      ColumnChunk copy = chunk.deepCopy();
      copy.getMeta_data().setPath_in_schema(List.of("c" + c));
      chunks.add(copy);
    }
    group.setColumns(chunks).setTotal_byte_size(group.getTotal_byte_size() * columns);
    group.unsetTotal_compressed_size();
    group.unsetFile_offset();
    footer.setSchema(schema);
    footer.setRow_groups(Collections.nCopies(rowGroups, group));
    footer.setNum_rows(group.getNum_rows() * rowGroups);
    footer.unsetKey_value_metadata();
    footer.unsetColumn_orders();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, footerStart(bytes));
    writeFooter(out, footer);
    Files.write(to, out.toByteArray());
  }

  private static int footerStart(byte[] bytes) {
    return bytes.length - 8 - footerLength(bytes);
  }

  private static int footerLength(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8);
  }

  private static FileMetaData footer(byte[] bytes) throws IOException {
    return Util.readFileMetaData(
        new ByteArrayInputStream(bytes, footerStart(bytes), footerLength(bytes)));
  }

  private static void writeFooter(ByteArrayOutputStream out, FileMetaData footer)
      throws IOException {
    int metadataStart = out.size();
    Util.writeFileMetaData(footer, out);
    ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    tail.putInt(out.size() - metadataStart).put(new byte[] {'P', 'A', 'R', '1'});
    out.write(tail.array());
  }
}
