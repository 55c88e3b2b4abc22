package dev.lazyarrow.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.S3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local disk cache: against S3Proxy on loopback, and for local ZSTD shards. */
class LocalCacheTest {
  private static final URI PLAIN = URI.create("s3://cached/ds");

  @TempDir static Path root;
  @TempDir Path cacheDir;

  static S3Server server;
  static S3Store store;
  static Path local;
  static int expected;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(root);
    store = server.store(S3Store.DEFAULT_MAX_ATTEMPTS);
    ObjectStorageTest.store = store;
    ObjectStorageTest.root = root;
    local = ObjectStorageTest.convert("save_dict", "cached", Converter.Compression.NONE);
    try (LazyDataset ds = LazyDataset.open(local)) {
      expected = CacheReader.hash(ds.split("train"));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  private LazyDataset open(long cacheBytes) {
    return open(store, cacheBytes);
  }

  private LazyDataset open(S3Store client, long cacheBytes) {
    return LazyDataset.newBuilder().objectStore(client).localCache(cacheDir, cacheBytes).open(PLAIN);
  }

  private long entryBytes() throws IOException {
    try (Stream<Path> files = Files.list(cacheDir)) {
      return files
          .filter(f -> f.toString().endsWith(".entry"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  @Test
  void localCache_secondEpochReadsTheEntriesNotTheServer() throws Exception {
    // A server of its own, stopped below: a stopped server leaves every client's pooled
    // connections dead, and the other tests share one client.
    S3Server own = S3Server.start(root);
    try (S3Store client = own.store(S3Store.DEFAULT_MAX_ATTEMPTS)) {
      try (LazyDataset ds = open(client, 1L << 30)) {
        assertEquals(expected, CacheReader.hash(ds.split("train")));
      }
      assertTrue(entryBytes() > 0);
      // The manifest and footers need the server; the batches then come from the cache alone.
      try (LazyDataset ds = open(client, 1L << 30)) {
        Split train = ds.split("train");
        train.get(0);
        own.stop();
        assertEquals(expected, CacheReader.hash(train));
      }
    } finally {
      own.close();
    }
  }

  @Test
  void localCache_boundHolds() throws Exception {
    long bound = 64 << 10;
    try (LazyDataset ds = open(bound)) {
      assertEquals(expected, CacheReader.hash(ds.split("train")));
      assertTrue(entryBytes() <= bound, entryBytes() + " bytes over " + bound);
      assertEquals(expected, CacheReader.hash(ds.split("train")));
    }
    assertTrue(entryBytes() > 0 && entryBytes() <= bound, entryBytes() + " bytes");
  }

  @Test
  void localCache_damagedEntryIsFetchedAgain() throws Exception {
    try (LazyDataset ds = open(1L << 30)) {
      assertEquals(expected, CacheReader.hash(ds.split("train")));
    }
    List<Path> entries;
    try (Stream<Path> files = Files.list(cacheDir)) {
      entries = files.filter(f -> f.toString().endsWith(".entry")).toList();
    }
    byte[] bytes = Files.readAllBytes(entries.get(0));
    bytes[bytes.length / 2] ^= 1;
    Files.write(entries.get(0), bytes);
    Files.write(entries.get(1), new byte[10]);
    try (LazyDataset ds = open(1L << 30)) {
      assertEquals(expected, CacheReader.hash(ds.split("train")));
    }
  }

  @Test
  void serverStoppedMidEpoch_failsNamingTheObjectAndLeavesTheCacheValid() throws Exception {
    // A server of its own over the same buckets: a stopped server leaves every client's pooled
    // connections dead, and the other tests share one client.
    S3Server own = S3Server.start(root);
    try {
      try (S3Store client = own.store(S3Store.DEFAULT_MAX_ATTEMPTS);
          LazyDataset ds = open(client, 1L << 30)) {
        Iterator<Row> rows = ds.split("train").iterator();
        for (int i = 0; i < 1000; i++) {
          rows.next();
        }
        own.stop();
        LazyArrowException e =
            assertThrows(
                LazyArrowException.class,
                () -> {
                  while (rows.hasNext()) {
                    rows.next();
                  }
                });
        assertTrue(
            e.getMessage().startsWith("s3://cached/ds/train/part-00000.arrow: "), e.getMessage());
        // Every attempt the store allows was made.
        assertTrue(
            e.getMessage().endsWith("; tried " + S3Store.DEFAULT_MAX_ATTEMPTS + " times"),
            e.getMessage());
      }
      own.restart();
      // A later run, with the server back, is a new process with a client of its own.
      try (S3Store client = own.store(S3Store.DEFAULT_MAX_ATTEMPTS);
          LazyDataset ds = open(client, 1L << 30)) {
        assertEquals(expected, CacheReader.hash(ds.split("train")));
      }
    } finally {
      own.close();
    }
  }

  @Test
  void twoProcesses_shareOneCacheDirectory() throws Exception {
    long bound = 256 << 10;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    // Apart from its output: a JVM writes warnings there (JDK 24 and later, of Unsafe).
    Path errors = Files.createTempFile(root, "reader", ".err");
    Process other =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CacheReader.class.getName(),
                server.endpoint().toString(),
                PLAIN.toString(),
                "train",
                cacheDir.toString(),
                Long.toString(bound),
                "3")
            .redirectError(errors.toFile())
            .start();
    try (LazyDataset ds = open(bound)) {
      for (int pass = 0; pass < 3; pass++) {
        assertEquals(expected, CacheReader.hash(ds.split("train")));
      }
    }
    String out = new String(other.getInputStream().readAllBytes());
    int status = other.waitFor();
    String err = Files.readString(errors);
    assertEquals(0, status, out + err);
    String hash = Integer.toString(expected);
    assertEquals(List.of(hash, hash, hash), out.lines().toList(), err);
    assertTrue(entryBytes() <= bound);
  }

  @Test
  void localCache_servesLocalZstdShardsDecompressed() throws Exception {
    Path zstd = root.resolve("zstd");
    Converter.newBuilder()
        .batchBytes(4096)
        .compression(Converter.Compression.ZSTD)
        .build()
        .convert(Fixtures.path("hf/save_dict"), zstd);
    try (LazyDataset plain = LazyDataset.open(local);
        LazyDataset cached = LazyDataset.newBuilder().localCache(cacheDir, 1L << 30).open(zstd)) {
      ObjectStorageTest.assertSameRows(plain.split("train"), cached.split("train"));
      ObjectStorageTest.assertSameRows(plain.split("validation"), cached.split("validation"));
    }
    assertTrue(entryBytes() > Files.size(zstd.resolve("train/part-00000.arrow")));
  }

  @Test
  void localCache_rejectsABoundNotPositive() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiskCache.open(cacheDir, 0));
    assertEquals("local cache bytes must be positive: 0", e.getMessage());
  }
}
