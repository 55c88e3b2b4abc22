package dev.lazyarrow.testing;

import dev.lazyarrow.s3.S3Store;
import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 server for tests: S3Proxy in this JVM on a loopback port, over jclouds' filesystem
 * backend, where each directory under {@link #root} is a bucket and each file an object, so that a
 * test writes objects by writing files. Requests are signed (AWS V2 or V4) with fixed credentials.
 */
public final class S3Server implements AutoCloseable {
  public static final String IDENTITY = "lazyarrow";
  public static final String CREDENTIAL = "lazyarrow-secret";

  private final Path root;
  private final int port;
  private S3Proxy proxy;

  private S3Server(Path root, int port) throws Exception {
    this.root = root;
    this.proxy = start(root, port);
    this.port = proxy.getPort();
  }

  /** Starts a server on a free loopback port, serving the buckets under {@code root}. */
  public static S3Server start(Path root) throws Exception {
    return new S3Server(root, 0);
  }

  private static S3Proxy start(Path root, int port) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", root.toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem")
            .overrides(properties)
            .buildView(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, IDENTITY, CREDENTIAL)
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(5);
    }
    return proxy;
  }

  /** Returns the directory whose subdirectories are the buckets. */
  public Path root() {
    return root;
  }

  /** Returns the server's endpoint. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Returns a store that reaches this server, trying each request {@code attempts} times. */
  public S3Store store(int attempts) {
    return S3Store.newBuilder()
        .endpoint(endpoint())
        .region("us-east-1")
        .credentials(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
        .maxAttempts(attempts)
        .build();
  }

  /** Writes object {@code key} of {@code bucket} through the S3 API (which gives it an ETag). */
  public void put(String bucket, String key, byte[] bytes) {
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(endpoint())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .build()) {
      client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }
  }

  /** Stops the server; {@link #restart} brings it back on the same port. */
  public void stop() throws Exception {
    proxy.stop();
    while (!"STOPPED".equals(proxy.getState())) {
      Thread.sleep(5);
    }
  }

  /** Starts the server again on its port after {@link #stop}. */
  public void restart() throws Exception {
    // The stopped server's socket can take a moment to close.
    for (int attempt = 0; ; attempt++) {
      try {
        proxy = start(root, port);
        return;
      } catch (java.io.IOException e) {
        if (attempt == 100) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() {
    try {
      proxy.stop();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("S3Proxy did not stop", e);
    }
  }
}
