package dev.lazyarrow.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** Servers that are down or stall, on loopback: each request fails in bounded time, naming the object. */
class FaultsTest {
  @TempDir Path dir;

  /** A server that accepts connections and never answers, as one stopped with SIGSTOP. */
  static final class Silent implements AutoCloseable {
    final ServerSocket socket;
    final List<Socket> accepted = new ArrayList<>();
    final Thread acceptor;

    Silent(String answerHead) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    Socket s = socket.accept();
                    synchronized (accepted) {
                      accepted.add(s);
                    }
                    if (answerHead != null) {
                      s.getOutputStream().write(answerHead.getBytes(StandardCharsets.US_ASCII));
                      s.getOutputStream().flush();
                    }
                  }
                } catch (IOException closed) {
                  // The test is over.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI endpoint() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      socket.close();
      synchronized (accepted) {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }

  private static S3Store.Builder store(URI endpoint) {
    return S3Store.newBuilder()
        .endpoint(endpoint)
        .region("us-east-1")
        .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")));
  }

  private static S3Store shortTimeouts(URI endpoint) {
    return store(endpoint)
        .socketTimeout(Duration.ofMillis(400))
        .attemptTimeout(Duration.ofMillis(600))
        .callTimeout(Duration.ofMillis(1500))
        .build();
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  @Test
  void open_whenTheServerNeverAnswers_failsWithinTheCallTimeoutNamingTheObject() throws Exception {
    try (Silent server = new Silent(null);
        S3Store store = shortTimeouts(server.endpoint())) {
      long start = System.nanoTime();
      LazyArrowException e =
          assertThrows(
              LazyArrowException.class,
              () -> LazyDataset.newBuilder().objectStore(store).open(URI.create("s3://stall/ds")));
      long took = millisSince(start);
      assertTrue(took < 10_000, "took " + took + " ms");
      assertTrue(
          e.getMessage().startsWith("s3://stall/ds/lazyarrow.json: no answer from " + server.endpoint()),
          e.getMessage());
      assertTrue(e.getMessage().contains("timeout of "), e.getMessage());
      assertTrue(!e.getMessage().contains("software.amazon"), e.getMessage());
    }
  }

  @Test
  void readAll_whenTheBodyStallsMidway_failsWithinTheSocketTimeout() throws Exception {
    String head =
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nETag: \"e\"\r\nContent-Type: application/json\r\n\r\n{";
    try (Silent server = new Silent(head);
        S3Store store = shortTimeouts(server.endpoint())) {
      long start = System.nanoTime();
      LazyArrowException e =
          assertThrows(
              LazyArrowException.class,
              () -> store.readAll(URI.create("s3://stall/ds/lazyarrow.json"), 1 << 20, "missing"));
      assertTrue(millisSince(start) < 10_000);
      assertEquals(
          "s3://stall/ds/lazyarrow.json: no answer from "
              + server.endpoint()
              + " within the socket timeout of 0.4 s, set by S3Store.Builder.socketTimeout or"
              + " -Dlazyarrow.s3.socketTimeout",
          e.getMessage());
    }
  }

  /** Returns an endpoint on a loopback port that nothing listens on. */
  private static URI downEndpoint() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void open_whenTheEndpointIsDown_saysItCannotReachItNamingTheObject() throws Exception {
    URI down = downEndpoint();
    try (S3Store store = store(down).maxAttempts(2).build()) {
      LazyArrowException e =
          assertThrows(
              LazyArrowException.class,
              () -> LazyDataset.newBuilder().objectStore(store).open(URI.create("s3://gone/ds")));
      assertTrue(
          e.getMessage().startsWith("s3://gone/ds/lazyarrow.json: cannot reach " + down + " ("),
          e.getMessage());
      assertTrue(!e.getMessage().contains("software.amazon"), e.getMessage());
    }
  }

  @Test
  void upload_whenTheEndpointIsDown_saysItCannotReachItNamingTheObject() throws Exception {
    Path local = dir.resolve("ds");
    Converter.newBuilder().build().convert(Fixtures.path("hf/save_single"), local);
    URI down = downEndpoint();
    try (S3Store store = store(down).maxAttempts(2).build()) {
      LazyArrowException e =
          assertThrows(
              LazyArrowException.class,
              () -> store.upload(local, URI.create("s3://gone/ds"), false));
      assertTrue(
          e.getMessage().startsWith("s3://gone/ds/lazyarrow.json: cannot reach " + down + " ("),
          e.getMessage());
    }
  }

  @Test
  void defaults_areTheDocumentedTimeouts() {
    try (S3Store store = store(URI.create("http://127.0.0.1:1")).build()) {
      assertEquals(
          new Timeouts(
              Duration.ofSeconds(2),
              Duration.ofSeconds(10),
              Duration.ofSeconds(15),
              Duration.ofSeconds(45),
              5),
          store.timeouts());
    }
  }

  @Test
  void timeoutProperty_whenNotSecondsIsRefusedNamingIt() {
    System.setProperty(Timeouts.CALL_PROPERTY, "45s");
    try {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> store(URI.create("http://127.0.0.1:1")).build());
      assertEquals(
          "system property lazyarrow.s3.callTimeout must be a positive number of seconds: 45s",
          e.getMessage());
    } finally {
      System.clearProperty(Timeouts.CALL_PROPERTY);
    }
  }
}
