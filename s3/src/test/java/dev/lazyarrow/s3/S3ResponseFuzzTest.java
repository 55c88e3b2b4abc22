package dev.lazyarrow.s3;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lazyarrow.format.LazyArrowException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.RootAllocator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Fuzzes the answers of an S3 server: each request is answered with a status, headers and body from
 * the input, and reading through the store must work or give a {@link LazyArrowException} or an
 * {@link IOException}, never another exception, a hang or an allocation a header sized.
 *
 * <p>The server is a loopback socket in this JVM that answers every request with the same bytes,
 * then closes the connection; the store's short timeouts bound each execution to a few seconds.
 * {@code mvn test} replays the inputs under {@code S3ResponseFuzzTestInputs/responses/}; {@code
 * JAZZER_FUZZ=1} fuzzes.
 */
class S3ResponseFuzzTest {
  private static final String[] HEADERS = {
    "Content-Length", "Content-Range", "ETag", "Last-Modified", "Content-Type", "Transfer-Encoding"
  };

  private static volatile byte[] answer = new byte[0];
  private static final ServerSocket SERVER = serve();

  private static final S3Store STORE =
      S3Store.newBuilder()
          .endpoint(URI.create("http://127.0.0.1:" + SERVER.getLocalPort()))
          .region("us-east-1")
          .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
          .maxAttempts(2)
          .socketTimeout(Duration.ofMillis(500))
          .attemptTimeout(Duration.ofSeconds(1))
          .callTimeout(Duration.ofSeconds(3))
          .build();

  @FuzzTest(maxDuration = "60s")
  void responses(FuzzedDataProvider data) throws IOException {
    answer = response(data);
    // Jazzer's request-forgery detector refuses every connection while fuzzing, and resets what
    // it allows between runs; the store's connections to this server are the point.
    try (SilentCloseable loopback =
        BugDetectors.allowNetworkConnections(
            (host, port) ->
                port == SERVER.getLocalPort()
                    && (host.equals("localhost") || host.equals("127.0.0.1")))) {
      read();
    }
  }

  /** Reads a manifest whole and an object's tail and first bytes through the store. */
  private static void read() throws IOException {
    try {
      STORE.readAll(URI.create("s3://fuzz/ds/lazyarrow.json"), 1 << 20, "missing");
    } catch (LazyArrowException expected) {
      // Bad answers are reported; only another exception, a hang or an OOM is a finding.
    }
    try (RootAllocator allocator = new RootAllocator()) {
      S3Source source = S3Source.open(STORE, "fuzz", "ds/train/part-00000.arrow");
      long size = source.size();
      if (size > 0) {
        int n = (int) Math.min(size, 64);
        source.readFully(0, ByteBuffer.allocate(n));
        try (ArrowBuf buf = allocator.buffer(n)) {
          source.read(0, buf, n);
        }
      }
    } catch (LazyArrowException | IOException expected) {
      // As above.
    }
  }

  private static byte[] response(FuzzedDataProvider data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder();
    head.append("HTTP/1.1 ").append(data.consumeInt(100, 599)).append(" X\r\n");
    int headers = data.consumeInt(0, 8);
    for (int i = 0; i < headers; i++) {
      String name = data.pickValue(HEADERS);
      String value =
          data.consumeBoolean()
              ? Long.toString(data.consumeLong())
              : data.consumeAsciiString(64).replace('\r', ' ').replace('\n', ' ');
      head.append(name).append(": ").append(value).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data.consumeRemainingAsBytes());
    return out.toByteArray();
  }

  private static ServerSocket serve() {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  try (Socket s = server.accept()) {
                    s.setSoTimeout(2000);
                    readHead(s.getInputStream());
                    s.getOutputStream().write(answer);
                  } catch (IOException e) {
                    // The client went away; serve the next one.
                  }
                }
              });
      t.setDaemon(true);
      t.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a request's head, up to its blank line (GETs and HEADs here have no body worth reading).
   */
  private static void readHead(InputStream in) throws IOException {
    int state = 0;
    for (int read = 0; read < 1 << 16 && state < 4; read++) {
      int b = in.read();
      if (b < 0) {
        return;
      }
      state = (b == '\r' && state % 2 == 0) || (b == '\n' && state % 2 == 1) ? state + 1 : 0;
    }
  }
}
