package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.SourceValidation;
import dev.lazyarrow.internal.format.SafeFiles;
import dev.lazyarrow.internal.ipc.Codecs;
import dev.lazyarrow.internal.ipc.Framing;
import dev.lazyarrow.internal.ipc.IpcFileReader;
import dev.lazyarrow.internal.ipc.SourceMessages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryEncoder;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.validate.ValidateUtil;

/**
 * Reads an Arrow IPC file or stream (told apart by the file format's leading magic) as written by
 * datasets, pyarrow, polars or pandas, with the fast LZ4 codec.
 *
 * <p>Dictionary-encoded columns are decoded to their values, so that shards of a split share one
 * plain schema whatever each source file chose to encode.
 *
 * <p>The file is untrusted: a stream's messages are checked against the file before Arrow reads
 * them ({@link SourceMessages}), an IPC file's footer blocks must lie inside the file, all memory
 * comes from an allocator bounded by {@link #memoryBound} (so that no length read from the file can
 * size an allocation beyond it), and every record batch and dictionary is validated ({@link
 * SourceValidation}, dictionary indices inside their dictionary) before a value is read. A fault is
 * a {@link LazyArrowException} naming the file and the batch.
 */
final class ArrowBatches implements BatchReader {
  private static final byte[] FILE_MAGIC = Framing.MAGIC;

  private final Path file;
  private final ArrowReader reader;
  private final BufferAllocator allocator;
  private final Set<FieldVector> validDictionaries =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private int batch = -1;
  private final Schema schema;
  private final boolean decode;
  private VectorSchemaRoot decoded;

  private ArrowBatches(Path file, ArrowReader reader, BufferAllocator allocator)
      throws IOException {
    this.file = file;
    this.reader = reader;
    this.allocator = allocator;
    Schema raw = reader.getVectorSchemaRoot().getSchema();
    for (Field f : raw.getFields()) {
      if (f.getChildren().stream().anyMatch(ArrowBatches::encoded)) {
        throw new LazyArrowException(
            file,
            "column '"
                + f.getName()
                + "' nests a dictionary-encoded"
                + " field; only top-level dictionary-encoded columns are decoded");
      }
    }
    this.decode = raw.getFields().stream().anyMatch(f -> f.getDictionary() != null);
    this.schema = decode ? decodedSchema(raw) : raw;
  }

  /**
   * Opens {@code file}, an IPC file if it starts with the file magic and an IPC stream otherwise.
   */
  public static ArrowBatches open(Path file, BufferAllocator parent) throws IOException {
    FileChannel channel = SafeFiles.openRegular(file);
    BufferAllocator allocator = null;
    ArrowReader reader = null;
    try {
      allocator = parent.newChildAllocator("source " + file, 0, memoryBound(channel.size()));
      ByteBuffer head = ByteBuffer.allocate(FILE_MAGIC.length);
      channel.read(head, 0);
      if (ByteBuffer.wrap(FILE_MAGIC).equals(head.flip())) {
        channel.close();
        reader =
            IpcFileReader.open(
                file,
                allocator,
                (schema, offset, header) ->
                    SourceMessages.checkBatch(
                        file, offset, header, SourceMessages.columnNodes(schema)));
      } else {
        reader =
            new ArrowStreamReader(
                new SourceMessages(file, channel, allocator), allocator, Codecs.INSTANCE);
      }
      return new ArrowBatches(file, reader, allocator);
    } catch (IOException | RuntimeException e) {
      if (reader != null) {
        reader.close();
      } else {
        channel.close();
      }
      if (allocator != null) {
        allocator.close();
      }
      throw e;
    }
  }

  /**
   * Returns the most allocator memory reading a source of {@code size} bytes may take: 8 times its
   * size plus 1 GiB, room for one decompressed and dictionary-decoded batch.
   */
  static long memoryBound(long size) {
    return size > (Long.MAX_VALUE >> 4) ? Long.MAX_VALUE : size * 8 + (1L << 30);
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public boolean next() throws IOException {
    closeDecoded();
    batch++;
    try {
      if (!reader.loadNextBatch()) {
        return false;
      }
      for (FieldVector v : reader.getVectorSchemaRoot().getFieldVectors()) {
        SourceValidation.validate(v);
      }
    } catch (ValidateUtil.ValidateException
        | IllegalArgumentException
        | IndexOutOfBoundsException e) {
      throw new LazyArrowException(
          file, "record batch " + batch + " is invalid: " + e.getMessage(), e);
    }
    if (decode) {
      VectorSchemaRoot raw = reader.getVectorSchemaRoot();
      List<FieldVector> vectors = new ArrayList<>();
      for (FieldVector v : raw.getFieldVectors()) {
        var encoding = v.getField().getDictionary();
        if (encoding == null) {
          var transfer = v.getTransferPair(allocator);
          transfer.transfer();
          vectors.add((FieldVector) transfer.getTo());
        } else {
          vectors.add(
              (FieldVector) DictionaryEncoder.decode(v, checked(v, encoding.getId()), allocator));
        }
      }
      decoded = new VectorSchemaRoot(schema.getFields(), vectors, raw.getRowCount());
    }
    return true;
  }

  @Override
  public VectorSchemaRoot root() {
    try {
      return decode ? decoded : reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public long bytesRead() {
    return reader.bytesRead();
  }

  @Override
  public void close() throws IOException {
    closeDecoded();
    reader.close();
    allocator.close();
  }

  private void closeDecoded() {
    if (decoded != null) {
      decoded.close();
      decoded = null;
    }
  }

  /** Returns the dictionary of {@code indices}, validated, once each index is found inside it. */
  private Dictionary checked(FieldVector indices, long id) throws IOException {
    Dictionary d = dictionary(id);
    FieldVector values = d.getVector();
    if (validDictionaries.add(values)) {
      try {
        SourceValidation.validate(values);
      } catch (ValidateUtil.ValidateException e) {
        throw new LazyArrowException(
            file, "dictionary " + id + " is invalid: " + e.getMessage(), e);
      }
    }
    BaseIntVector ints = (BaseIntVector) indices;
    for (int i = 0; i < indices.getValueCount(); i++) {
      if (!indices.isNull(i)) {
        long index = ints.getValueAsLong(i);
        if (index < 0 || index >= values.getValueCount()) {
          throw new LazyArrowException(
              file,
              "record batch "
                  + batch
                  + ", column '"
                  + indices.getName()
                  + "', row "
                  + i
                  + ": dictionary index "
                  + index
                  + " outside the "
                  + values.getValueCount()
                  + " values of dictionary "
                  + id);
        }
      }
    }
    return d;
  }

  private Dictionary dictionary(long id) throws IOException {
    Dictionary d = reader.getDictionaryVectors().get(id);
    if (d == null) {
      throw new LazyArrowException(file, "dictionary " + id + " is used but never defined");
    }
    return d;
  }

  private static boolean encoded(Field f) {
    return f.getDictionary() != null || f.getChildren().stream().anyMatch(ArrowBatches::encoded);
  }

  /** Replaces each top-level dictionary-encoded field by a field of its values' type. */
  private Schema decodedSchema(Schema raw) throws IOException {
    List<Field> fields = new ArrayList<>();
    for (Field f : raw.getFields()) {
      if (f.getDictionary() == null) {
        fields.add(f);
      } else {
        Field values = dictionary(f.getDictionary().getId()).getVector().getField();
        fields.add(
            new Field(
                f.getName(),
                new FieldType(f.isNullable(), values.getType(), null, f.getMetadata()),
                values.getChildren()));
      }
    }
    return new Schema(fields, raw.getCustomMetadata());
  }
}
