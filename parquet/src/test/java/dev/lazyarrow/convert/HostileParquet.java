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
import org.apache.parquet.format.KeyValue;
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

  /**
   * Writes to {@code to} a Parquet file whose footer, taken from {@code from}'s first column,
   * lists {@code rowGroups} row groups of {@code columns} columns, every column chunk one byte of
   * its own in the file: a footer of many chunks that neither overlap nor claim more bytes than
   * the file holds. The chunks' bytes are zeros, not pages.
   */
  static void distinctChunks(Path from, Path to, int rowGroups, int columns) throws IOException {
    FileMetaData footer = footer(Files.readAllBytes(from));
    SchemaElement first = footer.getSchema().get(1);
    List<SchemaElement> schema =
        new ArrayList<>(List.of(footer.getSchema().get(0).setNum_children(columns)));
    for (int c = 0; c < columns; c++) {
      schema.add(first.deepCopy().setName("c" + c));
    }
    RowGroup template = footer.getRow_groups().get(0);
    ColumnChunk chunk = template.getColumns().get(0);
    List<RowGroup> groups = new ArrayList<>();
    long offset = 4;
    for (int g = 0; g < rowGroups; g++) {
      List<ColumnChunk> chunks = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        ColumnChunk copy = chunk.deepCopy().setFile_offset(offset);
        copy.getMeta_data()
            .setPath_in_schema(List.of("c" + c))
            .setData_page_offset(offset++)
            .setTotal_compressed_size(1)
            .unsetDictionary_page_offset();
        chunks.add(copy);
      }
      groups.add(
          new RowGroup(chunks, columns, template.getNum_rows()).setFile_offset(offset - columns));
    }
    footer.setSchema(schema);
    footer.setRow_groups(groups);
    footer.setNum_rows(template.getNum_rows() * rowGroups);
    footer.unsetKey_value_metadata();
    footer.unsetColumn_orders();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {'P', 'A', 'R', '1'});
    out.write(new byte[(int) offset - 4]);
    writeFooter(out, footer);
    Files.write(to, out.toByteArray());
  }

  /**
   * Copies Parquet file {@code from} to {@code to} with its footer's key-value metadata {@code key}
   * set to {@code value}, the other keys kept.
   */
  static void setKeyValue(Path from, Path to, String key, String value) throws IOException {
    byte[] bytes = Files.readAllBytes(from);
    FileMetaData footer = footer(bytes);
    List<KeyValue> kept = new ArrayList<>();
    for (KeyValue kv : footer.getKey_value_metadata()) {
      if (!kv.getKey().equals(key)) {
        kept.add(kv);
      }
    }
    kept.add(new KeyValue(key).setValue(value));
    footer.setKey_value_metadata(kept);
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
