package dev.lazyarrow.bench;

import dev.lazyarrow.convert.Converter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The benchmark corpus: the token dataset of {@code hf_reference.py make}, written in Java at a
 * given size so that the suite runs without Python, then converted by LazyArrow.
 *
 * <p>Each row has {@code text} (5-59 words, some Korean), {@code input_ids} (16-512 ids below
 * 50,000) and a ClassLabel {@code label}, about 1.3 KB. The rows are written as a {@code datasets}
 * {@code save_to_disk} folder of Arrow stream files, which the converter turns into a dataset
 * directory; the folder stays beside it for the other compression. A corpus already on disk is
 * reused.
 */
final class Corpus {
  private static final String[] WORDS =
      ("the a of data model train loss batch arrow lazy memory " + "token 학습 데이터 모델 감정 문장")
          .split(" ");
  private static final int ROWS_PER_BATCH = 1000;

  /** Where {@code datasets} starts a new data file. */
  private static final long FILE_BYTES = 500L << 20;

  private static final String FEATURES =
      "{\"features\": {\"text\": {\"dtype\": \"string\", \"_type\": \"Value\"}, \"input_ids\":"
          + " {\"feature\": {\"dtype\": \"int32\", \"_type\": \"Value\"}, \"_type\": \"List\"},"
          + " \"label\": {\"names\": [\"joy\", \"sadness\", \"anger\", \"fear\", \"love\","
          + " \"surprise\"], \"_type\": \"ClassLabel\"}}}";

  private Corpus() {}

  /**
   * Returns the dataset directory of about {@code size} bytes ("100MB", "4GB") with shards
   * compressed as {@code compression} says ("none" or "zstd"), under {@code root}; makes it first
   * if it is not there.
   */
  static Path dataset(Path root, String size, String compression) {
    Path out = root.resolve(size + "-" + compression);
    if (Files.isRegularFile(out.resolve("lazyarrow.json"))) {
      return out;
    }
    Path source = root.resolve(size + "-source");
    try {
      if (!Files.isRegularFile(source.resolve("state.json"))) {
        deleteTree(source);
        write(source, bytes(size));
      }
      Converter.newBuilder()
          .compression(Converter.Compression.valueOf(compression.toUpperCase(Locale.ROOT)))
          .overwrite(true)
          .build()
          .convert(source, out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses a size such as {@code 512KB}, {@code 100MB} or {@code 4GB} (binary units). */
  static long bytes(String size) {
    String unit = size.replaceAll("[0-9.]", "").toUpperCase(Locale.ROOT);
    double number = Double.parseDouble(size.substring(0, size.length() - unit.length()));
    int shift =
        switch (unit) {
          case "KB" -> 10;
          case "MB" -> 20;
          case "GB" -> 30;
          default -> throw new IllegalArgumentException("size must end in KB, MB or GB: " + size);
        };
    return (long) (number * (1L << shift));
  }

  /** Writes a save_to_disk folder of at least {@code bytes} bytes of rows into {@code dir}. */
  static void write(Path dir, long bytes) throws IOException {
    Files.createDirectories(dir);
    Schema schema =
        new Schema(
            List.of(
                Field.nullable("text", ArrowType.Utf8.INSTANCE),
                new Field(
                    "input_ids",
                    FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(Field.nullable("item", new ArrowType.Int(32, true)))),
                Field.nullable("label", new ArrowType.Int(64, true))));
    SplittableRandom random = new SplittableRandom(0);
    StringBuilder files = new StringBuilder();
    long written = 0;
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      for (int file = 0; written < bytes; file++) {
        String name = String.format("data-%05d.arrow", file);
        files.append(file == 0 ? "" : ", ").append("{\"filename\": \"").append(name).append("\"}");
        try (OutputStream out = Files.newOutputStream(dir.resolve(name));
            ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
          writer.start();
          long fileStart = written;
          while (written < bytes && written - fileStart < FILE_BYTES) {
            fill(root, random);
            writer.writeBatch();
            written += root.getFieldVectors().stream().mapToLong(v -> v.getBufferSize()).sum();
          }
          writer.end();
        }
      }
    }
    Files.writeString(dir.resolve("dataset_info.json"), FEATURES);
    Files.writeString(
        dir.resolve("state.json"),
        "{\"_data_files\": ["
            + files
            + "], \"_fingerprint\": \"lazyarrow-bench\", \"_split\": null}");
  }

  private static void fill(VectorSchemaRoot root, SplittableRandom random) {
    VarCharVector text = (VarCharVector) root.getVector("text");
    ListVector ids = (ListVector) root.getVector("input_ids");
    BigIntVector label = (BigIntVector) root.getVector("label");
    IntVector items = (IntVector) ids.getDataVector();
    root.clear();
    root.allocateNew();
    StringBuilder sentence = new StringBuilder();
    int item = 0;
    for (int row = 0; row < ROWS_PER_BATCH; row++) {
      sentence.setLength(0);
      for (int w = random.nextInt(5, 60); w > 0; w--) {
        sentence.append(WORDS[random.nextInt(WORDS.length)]).append(w > 1 ? " " : "");
      }
      text.setSafe(row, sentence.toString().getBytes(StandardCharsets.UTF_8));
      ids.startNewValue(row);
      int length = random.nextInt(16, 513);
      for (int k = 0; k < length; k++) {
        items.setSafe(item++, random.nextInt(50_000));
      }
      ids.endValue(row, length);
      label.setSafe(row, random.nextInt(6));
    }
    root.setRowCount(ROWS_PER_BATCH);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
