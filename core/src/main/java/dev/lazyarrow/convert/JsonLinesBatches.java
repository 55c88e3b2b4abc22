package dev.lazyarrow.convert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.SourceLimits;
import dev.lazyarrow.internal.convert.VectorAppender;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads a JSON Lines file, one object a line, in two passes: the first checks every line and infers
 * the column types ({@link JsonType}), the second fills record batches of about {@code batchBytes}
 * bytes of text each. Blank lines are skipped; a leading byte order mark is ignored.
 */
final class JsonLinesBatches implements BatchReader {
  /** Arrays and objects a line may nest, counting the row's own object. */
  static final int MAX_NESTING = SourceLimits.MAX_NESTING + 1;

  private static final ObjectMapper JSON =
      new ObjectMapper(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path file;
  private final JsonType type;
  private final Schema schema;
  private final long batchBytes;
  private final BufferedReader in;
  private final VectorSchemaRoot root;
  private final VectorAppender[] appenders;
  private final List<Field> columns;
  private long line;
  private long bytesRead;

  private JsonLinesBatches(Path file, JsonType type, BufferAllocator allocator, long batchBytes)
      throws IOException {
    this.file = file;
    this.type = type;
    this.columns = type.columns();
    this.schema = new Schema(columns);
    this.batchBytes = batchBytes;
    this.root = VectorSchemaRoot.create(schema, allocator);
    this.appenders =
        root.getFieldVectors().stream().map(VectorAppender::of).toArray(VectorAppender[]::new);
    this.in = reader(file);
  }

  /**
   * Opens {@code file}, reading it once through to infer its types.
   *
   * @throws LazyArrowException naming the line, if a line is not a JSON object or a column's values
   *     cannot share one type
   */
  public static JsonLinesBatches open(Path file, BufferAllocator allocator, long batchBytes)
      throws IOException {
    JsonType type = JsonType.row();
    long rows = 0;
    long number = 0;
    try (BufferedReader in = reader(file)) {
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        number++;
        JsonNode row = parse(file, text, number);
        if (row != null) {
          merge(file, type, row, number);
          rows++;
        }
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new LazyArrowException(file, "not valid UTF-8 after line " + number, e);
    }
    if (rows == 0) {
      throw new LazyArrowException(file, "no rows: a JSON Lines file needs at least one object");
    }
    return new JsonLinesBatches(file, type, allocator, batchBytes);
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public boolean next() throws IOException {
    root.allocateNew();
    int rows = 0;
    long bytes = 0;
    for (String text = in.readLine(); text != null; text = in.readLine()) {
      line++;
      bytes += text.length() + 1;
      JsonNode row = parse(file, text, line);
      if (row == null) {
        continue;
      }
      java.util.Map<?, ?> values = (java.util.Map<?, ?>) type.value(row);
      for (int c = 0; c < appenders.length; c++) {
        appenders[c].append(rows, values.get(columns.get(c).getName()));
      }
      rows++;
      if (bytes >= batchBytes) {
        break;
      }
    }
    bytesRead += bytes;
    root.setRowCount(rows);
    return rows > 0;
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
    in.close();
  }

  private static BufferedReader reader(Path file) throws IOException {
    BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new LineBound(file, SafeFiles.newInputStream(file)),
                StandardCharsets.UTF_8.newDecoder()),
            1 << 16);
    in.mark(1);
    if (in.read() != '\uFEFF') {
      in.reset();
    }
    return in;
  }

  private static JsonNode parse(Path file, String text, long line) {
    if (text.isBlank()) {
      return null;
    }
    JsonNode row;
    try {
      row = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new LazyArrowException(
          file, "line " + line + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (!row.isObject()) {
      throw new LazyArrowException(
          file,
          "line "
              + line
              + " is not a JSON object but "
              + row.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    return row;
  }

  private static void merge(Path file, JsonType type, JsonNode row, long line) {
    try {
      type.merge(row, line);
    } catch (IllegalArgumentException e) {
      throw new LazyArrowException(file, e.getMessage());
    }
  }

  /**
   * Refuses a line longer than {@link SourceLimits#maxLineBytes()} as it streams past, so that a
   * file without line breaks, or one line larger than the heap can parse, is never held whole.
   */
  private static final class LineBound extends FilterInputStream {
    private final long maxLineBytes = SourceLimits.maxLineBytes();
    private final Path file;
    private long offset;
    private long lineStart;

    LineBound(Path file, InputStream in) {
      super(in);
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(b == '\n');
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int from, int length) throws IOException {
      int n = super.read(buffer, from, length);
      for (int i = 0; i < n; i++) {
        count(buffer[from + i] == '\n');
      }
      return n;
    }

    private void count(boolean newline) {
      offset++;
      if (newline) {
        lineStart = offset;
      } else if (offset - lineStart > maxLineBytes) {
        throw new LazyArrowException(
            file,
            "the line starting at byte "
                + lineStart
                + " is longer than "
                + maxLineBytes
                + " bytes, the most this heap can parse; refused rather than held in memory");
      }
    }
  }
}
