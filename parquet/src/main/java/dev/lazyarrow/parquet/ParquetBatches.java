package dev.lazyarrow.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.HfFeatures;
import dev.lazyarrow.internal.convert.VectorAppender;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;

/**
 * Reads a Parquet file with Parquet-MR, one row group in memory at a time, into record batches of
 * about {@code batchBytes} bytes.
 *
 * <p>The Arrow schema is the one pyarrow stored under {@value #ARROW_SCHEMA_KEY} (so that
 * large_string, uint32 and the like come back as written, but timestamps in the Parquet unit, as
 * pyarrow and datasets read them), else the one the HuggingFace features under {@value #HF_KEY}
 * give, else one derived from the Parquet types ({@link ParquetValues#arrowField}). The HuggingFace
 * features are kept in the schema's metadata.
 */
final class ParquetBatches implements BatchReader {
  static final String ARROW_SCHEMA_KEY = "ARROW:schema";
  static final String HF_KEY = HfFeatures.KEY;

  /** Rows between two checks of a batch's size: the check sums every buffer. */
  private static final int SIZE_CHECK_ROWS = 256;

  /** Bytes a page may decompress to in any file: writers make pages of about 1 MiB. */
  private static final long PAGE_FLOOR = 64L << 20;

  /** Times its file's size a page may decompress to, above {@link #PAGE_FLOOR}. */
  private static final long PAGE_RATIO = 32;

  /** Bytes no page may decompress to: Parquet-MR would hold them in one array of the heap. */
  private static final long PAGE_CEILING = 1L << 30;

  private final Path file;
  private final ParquetFileReader reader;
  private final MessageType parquet;
  private final Schema schema;
  private final long batchBytes;
  private final VectorSchemaRoot root;
  private final VectorAppender[] appenders;
  private final ParquetValues[] values;
  private RecordReader<Group> rows;
  private long rowsLeft;
  private int rowGroup;
  private long bytesRead;

  private ParquetBatches(
      Path file, ParquetFileReader reader, BufferAllocator allocator, long batchBytes) {
    this.file = file;
    this.reader = reader;
    this.batchBytes = batchBytes;
    this.parquet = reader.getFooter().getFileMetaData().getSchema();
    this.schema =
        arrowSchema(file, parquet, reader.getFooter().getFileMetaData().getKeyValueMetaData());
    this.values = new ParquetValues[schema.getFields().size()];
    for (int c = 0; c < values.length; c++) {
      Field field = schema.getFields().get(c);
      if (!parquet.containsField(field.getName())) {
        throw new LazyArrowException(
            file,
            "the Arrow schema names column '"
                + field.getName()
                + "', which the Parquet schema lacks");
      }
      values[c] = ParquetValues.of(parquet, parquet.getFieldIndex(field.getName()), field);
    }
    this.root = VectorSchemaRoot.create(schema, allocator);
    this.appenders =
        root.getFieldVectors().stream().map(VectorAppender::of).toArray(VectorAppender[]::new);
  }

  /**
   * Opens {@code file}, reading its footer.
   *
   * @throws LazyArrowException if the file is not readable Parquet or its columns cannot be read
   */
  static ParquetBatches open(Path file, BufferAllocator allocator, long batchBytes)
      throws IOException {
    ParquetFileReader reader;
    try {
      long size = java.nio.file.Files.size(file);
      try (FileChannel channel = FileChannel.open(file)) {
        ParquetFooter.check(file, channel, size);
      }
      long bound = Math.min(PAGE_CEILING, Math.max(PAGE_FLOOR, PAGE_RATIO * size));
      ParquetReadOptions options =
          ParquetReadOptions.builder()
              .withCodecFactory(new BoundedCodecs(file, bound, HadoopCodecs.newFactory(0)))
              .build();
      reader = ParquetFileReader.open(new LocalInputFile(file), options);
    } catch (LazyArrowException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new LazyArrowException(file, "unreadable Parquet: " + e.getMessage(), e);
    }
    try {
      return new ParquetBatches(file, reader, allocator, batchBytes);
    } catch (RuntimeException e) {
      reader.close();
      throw e instanceof LazyArrowException ? e : new LazyArrowException(file, e.getMessage(), e);
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public boolean next() throws IOException {
    try {
      return readBatch();
    } catch (RuntimeException e) {
      // Parquet-MR may wrap the refusal of a page (BoundedCodecs) in its own exception.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof LazyArrowException lae) {
          throw lae;
        }
      }
      throw e;
    }
  }

  private boolean readBatch() throws IOException {
    root.allocateNew();
    int n = 0;
    while (n == 0 || bytes() < batchBytes) {
      if (rowsLeft == 0 && !nextRowGroup()) {
        break;
      }
      for (int k = 0; k < SIZE_CHECK_ROWS && rowsLeft > 0; k++, n++, rowsLeft--) {
        Group row = rows.read();
        for (int c = 0; c < appenders.length; c++) {
          appenders[c].append(n, values[c].read(row));
        }
      }
    }
    root.setRowCount(n);
    return n > 0;
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public void close() throws IOException {
    root.close();
    reader.close();
  }

  private boolean nextRowGroup() throws IOException {
    if (rowGroup < reader.getRowGroups().size()) {
      try (FileChannel channel = FileChannel.open(file)) {
        ParquetPages.check(
            file, channel, java.nio.file.Files.size(file), reader.getRowGroups().get(rowGroup));
      }
    }
    PageReadStore pages = reader.readNextRowGroup();
    if (pages == null) {
      return false;
    }
    bytesRead += reader.getRowGroups().get(rowGroup++).getCompressedSize();
    rows =
        new ColumnIOFactory()
            .getColumnIO(parquet)
            .getRecordReader(pages, new GroupRecordConverter(parquet));
    rowsLeft = pages.getRowCount();
    return true;
  }

  private long bytes() {
    long total = 0;
    for (FieldVector v : root.getFieldVectors()) {
      total += v.getBufferSize();
    }
    return total;
  }

  /** Finds the Arrow schema of a Parquet file, keeping the HuggingFace features as metadata. */
  private static Schema arrowSchema(Path file, MessageType parquet, Map<String, String> kv) {
    Map<String, String> metadata = new HashMap<>();
    String hf = kv.get(HF_KEY);
    if (hf != null) {
      metadata.put(HF_KEY, hf);
    }
    String stored = kv.get(ARROW_SCHEMA_KEY);
    if (stored != null) {
      try {
        byte[] bytes = Base64.getDecoder().decode(stored);
        Schema schema =
            MessageSerializer.deserializeSchema(
                new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes))));
        metadata.putAll(schema.getCustomMetadata());
        List<Field> fields = new ArrayList<>();
        for (Field field : schema.getFields()) {
          fields.add(
              parquet.containsField(field.getName())
                  ? ParquetValues.parquetUnits(parquet.getType(field.getName()), field)
                  : field);
        }
        return new Schema(fields, metadata);
      } catch (IOException | RuntimeException e) {
        throw new LazyArrowException(
            file, "key " + ARROW_SCHEMA_KEY + " holds no Arrow schema: " + e, e);
      }
    }
    JsonNode features = hf == null ? null : HfFeatures.fromMetadata(file, hf);
    if (features != null) {
      return new Schema(Feature.toArrowSchema(Feature.parseAll(features.toString())).getFields(), metadata);
    }
    List<Field> fields = new ArrayList<>();
    parquet.getFields().forEach(t -> fields.add(ParquetValues.arrowField(t)));
    return new Schema(fields, metadata);
  }

  /**
   * Parquet-MR's codecs, refusing a page whose header claims a negative size or more than {@code
   * bound} bytes uncompressed: Parquet-MR allocates the claimed size before it decompresses, and
   * the header is read from the file. The bound is the larger of {@link #PAGE_FLOOR} and {@link
   * #PAGE_RATIO} times the file's size, at most {@link #PAGE_CEILING}. Uncompressed pages pass
   * through here too, though Parquet-MR allocates nothing for them.
   */
  private record BoundedCodecs(Path file, long bound, CompressionCodecFactory codecs)
      implements CompressionCodecFactory {
    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
      return codecs.getCompressor(codec);
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
      BytesInputDecompressor decompressor = codecs.getDecompressor(codec);
      return new BytesInputDecompressor() {
        @Override
        public BytesInput decompress(BytesInput bytes, int size) throws IOException {
          check(size);
          return decompressor.decompress(bytes, size);
        }

        @Override
        public void decompress(ByteBuffer input, int inputSize, ByteBuffer output, int size)
            throws IOException {
          check(size);
          decompressor.decompress(input, inputSize, output, size);
        }

        @Override
        public void release() {
          decompressor.release();
        }
      };
    }

    @Override
    public void release() {
      codecs.release();
    }

    private void check(int size) {
      if (size < 0 || size > bound) {
        throw new LazyArrowException(
            file,
            "a page claims "
                + size
                + " bytes uncompressed; a page of this file may hold 0 to "
                + bound
                + " bytes");
      }
    }
  }
}
