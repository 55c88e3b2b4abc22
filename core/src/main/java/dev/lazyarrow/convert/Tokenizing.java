package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.HfFeatures;
import dev.lazyarrow.internal.convert.TokenizerEngine;
import dev.lazyarrow.internal.convert.TokenizerFile;
import dev.lazyarrow.internal.format.TokenizerRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The tokenizing step of a conversion: adds to each record batch a column of the token ids of its
 * text column, int32 lists unless the vocabulary needs int64.
 *
 * <p>A batch's texts go to the tokenizer together, which encodes them on every core and returns
 * them in order; batches are bounded in bytes, so memory stays bounded too.
 */
final class Tokenizing implements AutoCloseable {
  /** The name of the tokenizer's copy beside the shards. */
  static final String FILE_NAME = "tokenizer.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Tokenization options;
  private final TokenizerFile file;
  private final long eod;
  private final boolean int64;
  private final TokenizerEngine engine;
  private TokenizerEngine.Encoder encoder;

  private Tokenizing(Tokenization options, TokenizerFile file, TokenizerEngine engine) {
    this.options = options;
    this.file = file;
    this.engine = engine;
    this.eod = options.eod() == null ? -1 : file.resolve(options.eod());
    this.int64 = file.vocabSize() - 1 > Integer.MAX_VALUE;
  }

  /**
   * Reads and checks the tokenizer of {@code options}, before anything is written.
   *
   * @throws LazyArrowException if the tokenizer file is unreadable or malformed, or no module on
   *     the class path runs tokenizers
   * @throws IllegalArgumentException if the file does not exist, or the end-of-document token is
   *     not in its vocabulary
   */
  static Tokenizing check(Tokenization options) {
    TokenizerEngine engine = TokenizerEngine.find(options.tokenizer());
    return new Tokenizing(options, TokenizerFile.read(options.tokenizer()), engine);
  }

  /**
   * Copies the tokenizer file into the dataset folder {@code dir} and loads that copy, so that the
   * ids come from exactly the bytes recorded.
   */
  void start(Path dir) throws IOException {
    Path copy = dir.resolve(FILE_NAME);
    Files.write(copy, Files.readAllBytes(file.file()));
    TokenizerFile copied = TokenizerFile.read(copy);
    if (!copied.sha256().equals(file.sha256())) {
      throw new LazyArrowException(file.file(), "tokenizer changed while it was being copied");
    }
    encoder = engine.load(copy, options.addSpecialTokens(), engineLength());
  }

  /** Returns the manifest's record of this tokenizer. */
  TokenizerRecord record() {
    return new TokenizerRecord(
        FILE_NAME, file.sha256(), file.vocabSize(), options.idsColumn(), file.specialTokens());
  }

  /** The bound the tokenizer itself truncates to: room is kept for the end-of-document id. */
  private int engineLength() {
    return options.maxLength() == 0 ? 0 : options.maxLength() - (eod >= 0 ? 1 : 0);
  }

  /**
   * Returns the schema of the batches that a source of schema {@code source} (read from {@code
   * from}) gives: its fields, then the ids.
   *
   * @throws LazyArrowException if the text column is missing or not a string, or the ids column
   *     exists already
   */
  Schema schema(Path from, Schema source) {
    Field text = null;
    List<String> names = new ArrayList<>();
    for (Field f : source.getFields()) {
      names.add(f.getName());
      if (f.getName().equals(options.textColumn())) {
        text = f;
      }
    }
    if (text == null) {
      throw new LazyArrowException(
          from, "no text column '" + options.textColumn() + "' to tokenize; columns are "
              + names + " (pass --text-column)");
    }
    ArrowType type = text.getType();
    if (!(type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8)) {
      throw new LazyArrowException(
          from, "column '" + options.textColumn() + "' is " + type + ", not a string;"
              + " only string columns can be tokenized");
    }
    if (names.contains(options.idsColumn())) {
      throw new LazyArrowException(
          from, "column '" + options.idsColumn() + "' exists already (pass --ids-column)");
    }
    List<Field> fields = new ArrayList<>(source.getFields());
    fields.add(idsField());
    Map<String, String> metadata = new HashMap<>(source.getCustomMetadata());
    String hf = metadata.get(HfFeatures.KEY);
    if (hf != null) {
      JsonNode info;
      try {
        info = JSON.readTree(hf);
      } catch (IOException e) {
        throw new LazyArrowException(from, "metadata key " + HfFeatures.KEY + " is not valid JSON", e);
      }
      JsonNode features = info.path("info").path("features");
      if (features.isObject()) {
        ((ObjectNode) info.get("info")).set("features", features(features));
        metadata.put(HfFeatures.KEY, info.toString());
      }
    }
    return new Schema(fields, metadata);
  }

  /** Returns {@code features} (or null) with the ids column's feature added. */
  JsonNode features(JsonNode features) {
    if (features == null) {
      return null;
    }
    ObjectNode copy = features.deepCopy();
    ObjectNode ids = copy.putObject(options.idsColumn());
    ids.putObject("feature").put("dtype", int64 ? "int64" : "int32").put("_type", "Value");
    ids.put("_type", "Sequence");
    return copy;
  }

  /** Returns the columns a row shows ({@code columns}, or null for all) with the ids added. */
  List<String> formatColumns(List<String> columns) {
    if (columns == null) {
      return null;
    }
    List<String> shown = new ArrayList<>(columns);
    shown.add(options.idsColumn());
    return shown;
  }

  private Field idsField() {
    Field item = new Field("item", FieldType.nullable(new ArrowType.Int(int64 ? 64 : 32, true)), null);
    return new Field(options.idsColumn(), FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
  }

  /**
   * Encodes the texts of {@code batch}, returning its ids column with as many rows, which the
   * caller closes.
   *
   * @throws LazyArrowException if the tokenizer gives an id beyond its vocabulary
   */
  ListVector encode(VectorSchemaRoot batch, BufferAllocator allocator) {
    FieldVector column = batch.getVector(options.textColumn());
    int rows = batch.getRowCount();
    String[] texts = new String[rows];
    int present = 0;
    for (int i = 0; i < rows; i++) {
      if (!column.isNull(i)) {
        texts[present++] = text(column, i);
      }
    }
    long[][] ids =
        engineLength() == 0 && options.maxLength() > 0
            ? new long[present][0]
            : encoder.encode(present == rows ? texts : Arrays.copyOf(texts, present));
    long total = 0;
    for (long[] row : ids) {
      total += row.length + (eod >= 0 ? 1 : 0);
    }
    if (total > Integer.MAX_VALUE) {
      throw new LazyArrowException(
          file.file(), "a batch gave " + total + " ids, more than a list column holds; lower --batch-bytes");
    }
    ListVector list = (ListVector) idsField().createVector(allocator);
    try {
      fill(list, column, rows, ids, (int) total);
      return list;
    } catch (RuntimeException e) {
      list.close();
      throw e;
    }
  }

  private void fill(ListVector list, FieldVector column, int rows, long[][] ids, int total) {
    list.setInitialCapacity(rows);
    list.allocateNew();
    BaseIntVector values = (BaseIntVector) list.getDataVector();
    if (values instanceof IntVector v) {
      v.allocateNew(total);
    } else {
      ((BigIntVector) values).allocateNew(total);
    }
    long limit = file.vocabSize();
    int k = 0;
    for (int i = 0; i < rows; i++) {
      if (column.isNull(i)) {
        list.setNull(i);
        continue;
      }
      long[] row = ids[k++];
      int start = list.startNewValue(i);
      int n = 0;
      for (long id : row) {
        if (id < 0 || id >= limit) {
          throw new LazyArrowException(
              file.file(), "the tokenizer gave id " + id + ", outside its vocabulary of " + limit
                  + " (the ids column is " + (int64 ? "int64" : "int32") + ")");
        }
        values.setWithPossibleTruncate(start + n++, id);
      }
      if (eod >= 0) {
        values.setWithPossibleTruncate(start + n++, eod);
      }
      list.endValue(i, n);
    }
    values.setValueCount(total);
    list.setValueCount(rows);
  }

  private static String text(FieldVector column, int row) {
    if (column instanceof VarCharVector v) {
      ArrowBuf offsets = v.getOffsetBuffer();
      return utf8(v.getDataBuffer(), offsets.getInt(row * 4L), offsets.getInt(row * 4L + 4));
    }
    LargeVarCharVector v = (LargeVarCharVector) column;
    ArrowBuf offsets = v.getOffsetBuffer();
    return utf8(v.getDataBuffer(), offsets.getLong(row * 8L), offsets.getLong(row * 8L + 8));
  }

  private static String utf8(ArrowBuf data, long start, long end) {
    byte[] bytes = new byte[Math.toIntExact(end - start)];
    data.getBytes(start, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (encoder != null) {
      encoder.close();
    }
  }
}
