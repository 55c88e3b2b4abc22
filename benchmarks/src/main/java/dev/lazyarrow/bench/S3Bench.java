package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.s3.S3Store;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads a converted corpus from S3Proxy on loopback (its filesystem backend serving the corpus's
 * parent folder, the corpus folder being the bucket) and prints, side by side in one run: the first
 * row after open, 1,000 random rows, a sequential epoch without and with a local cache, a second
 * epoch from the warm cache, the same epoch from local disk, and the first row after downloading a
 * whole shard first (what Mosaic streaming does).
 *
 * <p>Requests and bytes are counted by an SDK interceptor: every HTTP request sent, and the {@code
 * Content-Length} of every answer, as the server sent them.
 *
 * <pre>
 * S3Bench CORPUS REPORT.md [CACHE_DIR]
 * </pre>
 */
public final class S3Bench {
  private static final String IDENTITY = "bench";
  private static final String CREDENTIAL = "bench-secret";

  private static final AtomicLong REQUESTS = new AtomicLong();
  private static final AtomicLong BYTES = new AtomicLong();

  private final List<String> rows = new ArrayList<>();
  private final Path corpus;
  private final URI uri;
  private final S3Store store;
  private final URI endpoint;

  private S3Bench(Path corpus, S3Store store, URI endpoint) {
    this.corpus = corpus;
    this.endpoint = endpoint;
    this.uri = URI.create("s3://" + corpus.getFileName() + "/");
    this.store = store;
  }

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args[0]).toAbsolutePath().normalize();
    Path report = Path.of(args[1]);
    Path cache =
        args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("lazyarrow-s3bench-cache");
    S3Proxy proxy = start(corpus.getParent());
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    try (S3Store store = store(endpoint)) {
      S3Bench bench = new S3Bench(corpus, store, endpoint);
      bench.run(cache);
      String table = bench.table();
      System.out.print(table);
      Files.writeString(report, table);
    } finally {
      proxy.stop();
      deleteTree(cache);
    }
  }

  private static S3Proxy start(Path root) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", root.toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem")
            .overrides(properties)
            .buildView(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(5);
    }
    return proxy;
  }

  /** Counts every request sent and the {@code Content-Length} of every answer. */
  private static final ExecutionInterceptor COUNTER =
      new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(
            Context.BeforeTransmission context, ExecutionAttributes attributes) {
          REQUESTS.incrementAndGet();
        }

        @Override
        public void afterTransmission(
            Context.AfterTransmission context, ExecutionAttributes attributes) {
          context
              .httpResponse()
              .firstMatchingHeader("Content-Length")
              .ifPresent(length -> BYTES.addAndGet(Long.parseLong(length)));
        }
      };

  private static S3Store store(URI endpoint) {
    return S3Store.newBuilder()
        .endpoint(endpoint)
        .credentials(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .customize(b -> b.overrideConfiguration(o -> o.addExecutionInterceptor(COUNTER)))
        .build();
  }

  private LazyDataset open(Path cache) {
    LazyDataset.Builder builder = LazyDataset.newBuilder().objectStore(store);
    return (cache == null ? builder : builder.localCache(cache, 8L << 30)).open(uri);
  }

  private void run(Path cache) throws IOException {
    long size;
    long bytes;
    try (LazyDataset ds = open(null)) {
      Split train = ds.split("train");
      size = train.size();
      bytes = train.bytes();
      // Warm-up (class loading, JIT): a row and a few hundred random ones, then the counts reset.
      readAll(train.get(size / 2));
      randomRows(train, 300, 7);
    }
    measure(
        "first row after open (`open` + `get`)",
        () -> {
          try (LazyDataset ds = open(null)) {
            readAll(ds.split("train").get(size / 3));
            return "";
          }
        });
    try (LazyDataset ds = open(null)) {
      Split train = ds.split("train");
      train.batchStarts(); // reads every shard's footer, so that what follows counts rows only
      long rowBytes = bytes / size;
      measure(
          "1,000 random rows, one `take` (rows' bytes: ~" + 1000 * rowBytes / 1024 + " KiB)",
          () -> {
            long before = BYTES.get();
            long t = System.nanoTime();
            randomRows(train, 1000, 42);
            double s = (System.nanoTime() - t) / 1e9;
            return String.format(
                "%.0f rows/s; %.1fx the rows' bytes",
                1000 / s, (BYTES.get() - before) / (double) (1000 * rowBytes));
          });
      measure(
          "1,000 random rows, one `get` each",
          () -> {
            SplittableRandom random = new SplittableRandom(43);
            long t = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
              readAll(train.get(random.nextLong(size)));
            }
            return String.format("%.0f rows/s", 1000 / ((System.nanoTime() - t) / 1e9));
          });
    }
    epoch("sequential epoch, no local cache", () -> open(null), bytes);
    epoch("sequential epoch 1, filling the local cache", () -> open(cache), bytes);
    epoch("sequential epoch 2, from the warm local cache", () -> open(cache), bytes);
    epoch("sequential epoch, local disk (page cache warm)", () -> LazyDataset.open(corpus), bytes);
    Path downloaded = Files.createTempDirectory("lazyarrow-s3bench-shard");
    try (S3Client client = client(endpoint)) {
      measure(
          "floor: 1,000 ranged GETs of 1 KiB, one at a time, plain SDK client",
          () -> {
            SplittableRandom random = new SplittableRandom(44);
            long t = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
              long at = random.nextLong(100 << 20);
              client.getObjectAsBytes(
                  b ->
                      b.bucket(uri.getHost())
                          .key("train/part-00000.arrow")
                          .range("bytes=" + at + "-" + (at + 1023)));
            }
            return String.format("%.0f GETs/s", 1000 / ((System.nanoTime() - t) / 1e9));
          });
      measure(
          "first row after downloading the manifest and its whole shard first",
          () -> {
            String bucket = uri.getHost();
            Files.createDirectories(downloaded.resolve("train"));
            for (String key : new String[] {"lazyarrow.json", "train/part-00000.arrow"}) {
              client.getObject(b -> b.bucket(bucket).key(key), downloaded.resolve(key));
            }
            try (LazyDataset ds = LazyDataset.open(downloaded)) {
              readAll(ds.split("train").get(0));
            }
            return Files.size(downloaded.resolve("train/part-00000.arrow")) / (1 << 20)
                + " MiB downloaded";
          });
    } finally {
      deleteTree(downloaded);
    }
  }

  /** Returns a plain SDK client of the same server, for the whole-shard download. */
  private static S3Client client(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .overrideConfiguration(o -> o.addExecutionInterceptor(COUNTER))
        .build();
  }

  private void epoch(String what, Supplier<LazyDataset> open, long bytes) {
    measure(
        what,
        () -> {
          long t = System.nanoTime();
          long n = 0;
          try (LazyDataset ds = open.get()) {
            for (Row row : ds.split("train")) {
              readAll(row);
              n++;
            }
          }
          double s = (System.nanoTime() - t) / 1e9;
          return String.format("%.0f rows/s, %.0f MB/s of shards", n / s, bytes / s / 1e6);
        });
  }

  /** Runs {@code body}, recording its requests, bytes fetched, time and what it reports. */
  private void measure(String what, IoSupplier body) {
    long requests = REQUESTS.get();
    long bytes = BYTES.get();
    long t = System.nanoTime();
    String result;
    try {
      result = body.get();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    double ms = (System.nanoTime() - t) / 1e6;
    rows.add(
        String.format(
            "| %s | %d | %s | %.1f | %s |",
            what, REQUESTS.get() - requests, human(BYTES.get() - bytes), ms, result));
  }

  @FunctionalInterface
  private interface IoSupplier {
    String get() throws IOException;
  }

  private static void randomRows(Split split, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] indices = new long[n];
    for (int i = 0; i < n; i++) {
      indices[i] = random.nextLong(split.size());
    }
    split.take(indices).forEach(S3Bench::readAll);
  }

  /** Reads every value of {@code row}, as {@code ds[i]} materializes them. */
  private static void readAll(Row row) {
    for (int c = 0; c < row.columnNames().size(); c++) {
      row.get(c);
    }
  }

  private static String human(long bytes) {
    return bytes < 1 << 20
        ? String.format("%.1f KiB", bytes / 1024.0)
        : String.format("%.1f MiB", bytes / (double) (1 << 20));
  }

  private String table() {
    StringBuilder out = new StringBuilder();
    out.append("| pass | requests | bytes fetched | ms | result |\n");
    out.append("| --- | ---: | ---: | ---: | --- |\n");
    rows.forEach(r -> out.append(r).append('\n'));
    return out.toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
