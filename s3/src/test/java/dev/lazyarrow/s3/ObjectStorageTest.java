package dev.lazyarrow.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.ReadMode;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.S3Server;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Datasets read from a real S3 server (S3Proxy on loopback) against the same data read locally. */
class ObjectStorageTest {
  @TempDir static Path root;

  static S3Server server;
  static S3Store store;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(root);
    store = server.store(S3Store.DEFAULT_MAX_ATTEMPTS);
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
    store.upload(out, URI.create("s3://" + bucket + "/ds"), false);
    return out;
  }

  /**
   * Checks that {@code remote} holds the rows of {@code local}: all of them taken at once, every
   * row iterated in order, and some rows one by one.
   */
  static void assertSameRows(Split local, Split remote) {
    assertEquals(local.size(), remote.size());
    long[] all = LongStream.range(0, local.size()).toArray();
    List<String> expected = local.take(all).stream().map(ObjectStorageTest::render).toList();
    assertEquals(expected, remote.take(all).stream().map(ObjectStorageTest::render).toList());
    List<String> iterated = new ArrayList<>();
    remote.forEach(row -> iterated.add(render(row)));
    assertEquals(expected, iterated);
    for (long i = 0; i < local.size(); i += 1 + local.size() / 7) {
      assertEquals(expected.get((int) i), render(remote.get(i)), "row " + i);
    }
  }

  /** Returns a row's values as text, arrays by their elements. */
  static String render(Row row) {
    List<Object> values = new ArrayList<>();
    for (int c = 0; c < row.columnNames().size(); c++) {
      values.add(plain(row.get(c)));
    }
    return values.toString();
  }

  private static Object plain(Object value) {
    if (value instanceof byte[] bytes) {
      return Arrays.toString(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new java.util.LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, plain(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(ObjectStorageTest::plain).toList();
    }
    return value instanceof Object[] array ? Arrays.deepToString(array) : value;
  }

  @Test
  void open_zstdObjectsReadTheRowsOfTheLocalDataset() throws Exception {
    Path local = convert("save_extension", "zstd", Converter.Compression.ZSTD);
    try (LazyDataset l = LazyDataset.open(local);
        LazyDataset r = LazyDataset.newBuilder().objectStore(store).open(URI.create("s3://zstd/ds"))) {
      assertSameRows(l.split("train"), r.split("train"));
    }
  }

  @Test
  void objectReplacedUnderAnOpenDataset_isRefusedNamingIt() throws Exception {
    Path local = convert("save_dict", "replaced", Converter.Compression.NONE);
    try (LazyDataset r =
        LazyDataset.newBuilder()
            .objectStore(store)
            .readMode(ReadMode.RANGES)
            .open(URI.create("s3://replaced/ds"))) {
      Split train = r.split("train");
      train.get(0);
      server.put(
          "replaced",
          "ds/train/part-00000.arrow",
          Files.readAllBytes(local.resolve("validation/part-00000.arrow")));
      // Row 2999 lies in the tail fetched with the footer; row 100 must be fetched.
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> train.get(100));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "s3://replaced/ds/train/part-00000.arrow: object changed since the dataset was"
                      + " opened"),
          e.getMessage());
    }
  }

  @Test
  void upload_failedPartLeavesNoManifestNorObject() throws Exception {
    Path lines = root.resolve("big.jsonl");
    String text = "x".repeat(1000);
    try (var out = Files.newBufferedWriter(lines)) {
      for (int i = 0; i < 7000; i++) {
        out.write("{\"id\": " + i + ", \"text\": \"" + text + "\"}\n");
      }
    }
    Path local = root.resolve("local/big");
    Converter.newBuilder().build().convert(lines, local);
    Files.createDirectories(root.resolve("failing"));
    AtomicInteger parts = new AtomicInteger();
    ExecutionInterceptor secondPartFails =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes a) {
            if (context.request() instanceof UploadPartRequest && parts.incrementAndGet() == 2) {
              throw new IllegalStateException("connection lost");
            }
          }
        };
    try (S3Store failing =
        S3Store.newBuilder()
            .endpoint(server.endpoint())
            .credentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(S3Server.IDENTITY, S3Server.CREDENTIAL)))
            .partBytes(5 << 20)
            .customize(
                b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(secondPartFails)))
            .build()) {
      assertThrows(
          IllegalStateException.class,
          () -> failing.upload(local, URI.create("s3://failing/ds"), false));
    }
    assertEquals(2, parts.get());
    try (Stream<Path> files = Files.walk(root.resolve("failing"))) {
      assertEquals(List.of(), files.filter(Files::isRegularFile).map(Path::toString).toList());
    }
  }

  @Test
  void open_missingManifestNamesIt() {
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () -> LazyDataset.newBuilder().objectStore(store).open(URI.create("s3://nothing/here")));
    assertEquals(
        "s3://nothing/here/lazyarrow.json: no manifest: not a LazyArrow dataset (convert it"
            + " first)",
        e.getMessage());
  }

  @Test
  void open_s3ReadsTheRowsOfTheLocalDataset() throws Exception {
    Path local = convert("save_dict", "plain", Converter.Compression.NONE);
    for (ReadMode mode : ReadMode.values()) {
      try (LazyDataset l = LazyDataset.open(local);
          LazyDataset r =
              LazyDataset.newBuilder().objectStore(store).readMode(mode).open(URI.create("s3://plain/ds"))) {
        for (Split split : l.splits()) {
          assertSameRows(split, r.split(split.name()));
        }
      }
    }
  }
}
