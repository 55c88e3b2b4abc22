package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.io.S3Store;
import dev.lazyarrow.io.S3Uri;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Datasets read from a real S3 server (S3Proxy on loopback) against the same data read locally. */
class ObjectStorageTest {
  @TempDir static Path root;

  static S3Server server;
  static S3Store store;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(root);
    store = server.store(2);
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  /**
   * Converts fixture {@code name} into a local directory, which it returns, and uploads it to
   * {@code s3://bucket/ds}.
   */
  static Path convert(String name, String bucket, Converter.Compression compression)
      throws Exception {
    Path out = root.resolve("local").resolve(bucket);
    Converter.newBuilder()
        .batchBytes(4096)
        .compression(compression)
        .build()
        .convert(Fixtures.path("hf/" + name), out);
    Files.createDirectories(root.resolve(bucket));
    store.upload(out, new S3Uri(bucket, "ds"), false);
    return out;
  }

  static void assertSameRows(Split local, Split remote) {
    assertEquals(local.size(), remote.size());
    for (long i = 0; i < local.size(); i++) {
      assertEquals(render(local.get(i)), render(remote.get(i)), "row " + i);
    }
  }

  /** Returns a row's values as text, arrays by their elements. */
  static String render(Row row) {
    Object[] values = new Object[row.columnNames().size()];
    Arrays.setAll(values, row::get);
    return Arrays.deepToString(values);
  }

  @Test
  void open_s3ReadsTheRowsOfTheLocalDataset() throws Exception {
    Path local = convert("save_dict", "plain", Converter.Compression.NONE);
    for (ReadMode mode : ReadMode.values()) {
      try (LazyDataset l = LazyDataset.open(local);
          LazyDataset r =
              LazyDataset.newBuilder().s3(store).readMode(mode).open(URI.create("s3://plain/ds"))) {
        for (Split split : l.splits()) {
          assertSameRows(split, r.split(split.name()));
        }
      }
    }
  }
}
