package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.spi.ByteSource;
import dev.lazyarrow.spi.ObjectStore;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A connection to S3 or an S3-compatible server: the AWS SDK client that reads (and uploads)
 * datasets under {@code s3://bucket/prefix} URIs.
 *
 * <p>Settings come from the SDK's default chains (credentials, region, profile files) unless the
 * builder overrides them. An endpoint, from the builder or the {@code AWS_ENDPOINT_URL_S3} or
 * {@code AWS_ENDPOINT_URL} environment variable (or the system properties {@code aws.endpointUrlS3}
 * and {@code aws.endpointUrl}), selects path-style addressing, as S3-compatible servers expect, and
 * region {@code us-east-1} if no region is configured. Failed requests are retried by the SDK's
 * standard strategy (backoff with jitter on 5xx answers, throttling and broken connections), {@link
 * Builder#maxAttempts} times in all, each held to timeouts ({@link #DEFAULT_CALL_TIMEOUT} for a
 * request with its retries), so that a server that is down or stalls fails a read in bounded time
 * with one error naming the object and the endpoint.
 *
 * <p>Thread-safe; one store serves any number of datasets and threads. Give it to {@code
 * LazyDataset.newBuilder().objectStore(store)}; without one, {@code LazyDataset.open(uri)} makes a
 * store of default settings ({@link #defaults}) for each dataset.
 */
public final class S3Store implements ObjectStore {
  /**
   * Attempts per request unless set: the SDK's standard strategy's 3, plus two for loaded servers.
   */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** The time a connection may take unless set: the SDK's own default. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The time an answer may send nothing unless set: S3 sends its first byte in well under a
   * second, and a stall mid-body ends in this much.
   */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(10);

  /** The time one attempt may wait for its answer's headers unless set. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(15);

  /**
   * The time a request may take with its retries unless set: a stalled server fails a read in
   * under a minute (it took 5 attempts of 30 s before these were set).
   */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(45);

  private final S3Client client;
  private final long partBytes;
  private final Faults faults;
  private final Timeouts timeouts;

  private S3Store(S3Client client, long partBytes, Faults faults, Timeouts timeouts) {
    this.client = client;
    this.partBytes = partBytes;
    this.faults = faults;
    this.timeouts = timeouts;
  }

  /** Returns a store with the SDK's default settings and the environment's endpoint, if any. */
  public static S3Store defaults() {
    return newBuilder().build();
  }

  /** Returns a builder of a store whose settings override the SDK's defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  S3Client client() {
    return client;
  }

  /** Returns the errors of requests that got no usable answer. */
  Faults faults() {
    return faults;
  }

  /** Returns the timeouts requests are held to. */
  Timeouts timeouts() {
    return timeouts;
  }

  @Override
  public String scheme() {
    return S3Uri.SCHEME;
  }

  @Override
  public URI resolve(URI dataset, String path) {
    S3Uri where = S3Uri.parse(dataset);
    return S3Uri.object(where.bucket(), where.key(path));
  }

  @Override
  public Path name(URI object) {
    S3Uri where = S3Uri.parse(object);
    return name(where.bucket(), where.prefix());
  }

  @Override
  public byte[] readAll(URI object, int maxBytes, String missing) {
    S3Uri where = S3Uri.parse(object);
    return readAll(where.bucket(), where.prefix(), maxBytes, missing);
  }

  @Override
  public ByteSource.Opener object(URI object) {
    S3Uri where = S3Uri.parse(object);
    return object(where.bucket(), where.prefix());
  }

  /**
   * Returns the name errors give for object {@code key} of {@code bucket}: a path that prints as
   * {@code s3://bucket/key} in a {@link LazyArrowException}.
   */
  static Path name(String bucket, String key) {
    return Path.of(S3Uri.SCHEME + "://" + bucket + "/" + key);
  }

  /**
   * Reads the whole object {@code key} of {@code bucket}, refusing one of more than {@code
   * maxBytes}.
   *
   * @throws LazyArrowException naming it if it is missing, too large or cannot be read
   */
  byte[] readAll(String bucket, String key, int maxBytes, String missing) {
    Path name = name(bucket, key);
    GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).build();
    ResponseInputStream<GetObjectResponse> in;
    try {
      in = client.getObject(request);
    } catch (S3Exception e) {
      // No such key, or no such bucket.
      throw e.statusCode() == 404
          ? new LazyArrowException(name, missing)
          : S3Source.fault(name, e, null);
    } catch (SdkException e) {
      throw faults.request(name, e);
    }
    Long length = in.response().contentLength();
    if (length == null || length < 0 || length > maxBytes) {
      in.abort();
      throw new LazyArrowException(
          name, "object is " + length + " bytes; more than " + maxBytes + " is refused");
    }
    byte[] bytes = new byte[length.intValue()];
    S3Source.readBody(this, name, in, ByteBuffer.wrap(bytes));
    return bytes;
  }

  /** Returns an opener of the shard that is object {@code key} of {@code bucket}. */
  ByteSource.Opener object(String bucket, String key) {
    return () -> S3Source.open(this, bucket, key);
  }

  /**
   * Uploads the dataset in the local directory {@code dir} (its manifest and the shards it lists)
   * to {@code dataset}: shards first, large ones in parts ({@link S3Upload#PART_BYTES}), the manifest
   * last, so that a reader sees the whole dataset or none. An existing manifest there is deleted
   * first if {@code overwrite}, else refused.
   *
   * @throws IllegalArgumentException if a dataset exists at {@code dataset} and not {@code
   *     overwrite}, or it is not an {@code s3://} URI
   * @throws LazyArrowException naming the object whose upload failed; no manifest is written then
   */
  @Override
  public void upload(Path dir, URI dataset, boolean overwrite) {
    S3Upload.dataset(this, dir, S3Uri.parse(dataset), overwrite, partBytes);
  }

  /** Closes the SDK client and its connections. */
  @Override
  public void close() {
    client.close();
  }

  /** Settings that override the SDK's defaults; each may be set once. */
  public static final class Builder {
    private URI endpoint;
    private String region;
    private AwsCredentialsProvider credentials;
    private Boolean pathStyle;
    private int maxAttempts = -1;
    private Consumer<S3ClientBuilder> customizer;
    private long partBytes = -1;
    private Duration connectTimeout;
    private Duration socketTimeout;
    private Duration attemptTimeout;
    private Duration callTimeout;

    private Builder() {}

    /**
     * Uploads files larger than {@code bytes} in parts of that size (64 MiB unless set).
     *
     * @throws IllegalArgumentException if {@code bytes} is under S3's least part size, 5 MiB
     * @throws IllegalStateException if it was already set
     */
    public Builder partBytes(long bytes) {
      if (partBytes != -1) {
        throw new IllegalStateException("part bytes was already set to " + partBytes);
      }
      if (bytes < 5L << 20 || bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("part bytes must lie in 5 MiB..2 GiB: " + bytes);
      }
      this.partBytes = bytes;
      return this;
    }

    /**
     * Sends requests to {@code endpoint} (an S3-compatible server, {@code http://127.0.0.1:9000})
     * instead of AWS, with path-style addressing unless {@link #pathStyle} says otherwise.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder endpoint(URI endpoint) {
      requireUnset(this.endpoint, "endpoint");
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Signs requests for {@code region} ({@code eu-west-1}) instead of the SDK's default chain.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder region(String region) {
      requireUnset(this.region, "region");
      this.region = Objects.requireNonNull(region, "region");
      return this;
    }

    /**
     * Takes credentials from {@code provider} instead of the SDK's default chain.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder credentials(AwsCredentialsProvider provider) {
      requireUnset(this.credentials, "credentials");
      this.credentials = Objects.requireNonNull(provider, "provider");
      return this;
    }

    /**
     * Chooses path-style addressing ({@code endpoint/bucket/key}) or virtual-hosted style ({@code
     * bucket.endpoint/key}); path-style is the default when an endpoint is set.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder pathStyle(boolean pathStyle) {
      requireUnset(this.pathStyle, "path style");
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * Tries each request at most {@code attempts} times (the first and the retries), with the SDK's
     * standard backoff: {@link #DEFAULT_MAX_ATTEMPTS} unless set.
     *
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     * @throws IllegalStateException if it was already set
     */
    public Builder maxAttempts(int attempts) {
      if (maxAttempts != -1) {
        throw new IllegalStateException("max attempts was already set to " + maxAttempts);
      }
      if (attempts < 1) {
        throw new IllegalArgumentException("max attempts must be at least 1: " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Applies {@code customizer} to the SDK's client builder after these settings: for what they do
     * not cover (a proxy, metrics, interceptors).
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder customize(Consumer<S3ClientBuilder> customizer) {
      requireUnset(this.customizer, "customizer");
      this.customizer = Objects.requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * Times out a connection that is not made within {@code timeout}: {@link
     * #DEFAULT_CONNECT_TIMEOUT} unless set here or by the system property {@code
     * lazyarrow.s3.connectTimeout} (seconds).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(connectTimeout, "connect timeout");
      connectTimeout = Timeouts.requirePositive(timeout, "connect");
      return this;
    }

    /**
     * Times out an answer that sends nothing for {@code timeout}, before its headers or within its
     * body: {@link #DEFAULT_SOCKET_TIMEOUT} unless set here or by {@code
     * lazyarrow.s3.socketTimeout}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder socketTimeout(Duration timeout) {
      requireUnset(socketTimeout, "socket timeout");
      socketTimeout = Timeouts.requirePositive(timeout, "socket");
      return this;
    }

    /**
     * Retries an attempt whose answer's headers have not come within {@code timeout} (an upload's
     * grows by a second per MiB sent): {@link #DEFAULT_ATTEMPT_TIMEOUT} unless set here or by
     * {@code lazyarrow.s3.attemptTimeout}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder attemptTimeout(Duration timeout) {
      requireUnset(attemptTimeout, "attempt timeout");
      attemptTimeout = Timeouts.requirePositive(timeout, "attempt");
      return this;
    }

    /**
     * Fails a request whose attempts and the waits between them take more than {@code timeout} (an
     * upload's grows by a second per MiB sent and attempt): {@link #DEFAULT_CALL_TIMEOUT} unless set
     * here or by {@code lazyarrow.s3.callTimeout}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder callTimeout(Duration timeout) {
      requireUnset(callTimeout, "call timeout");
      callTimeout = Timeouts.requirePositive(timeout, "call");
      return this;
    }

    /**
     * Builds the SDK client.
     *
     * @throws IllegalArgumentException if a {@code lazyarrow.s3.*Timeout} system property is not a
     *     positive number of seconds
     * @throws LazyArrowException if no region is configured and no endpoint is set
     */
    public S3Store build() {
      Timeouts timeouts =
          new Timeouts(
              Timeouts.resolve(connectTimeout, Timeouts.CONNECT_PROPERTY, DEFAULT_CONNECT_TIMEOUT),
              Timeouts.resolve(socketTimeout, Timeouts.SOCKET_PROPERTY, DEFAULT_SOCKET_TIMEOUT),
              Timeouts.resolve(attemptTimeout, Timeouts.ATTEMPT_PROPERTY, DEFAULT_ATTEMPT_TIMEOUT),
              Timeouts.resolve(callTimeout, Timeouts.CALL_PROPERTY, DEFAULT_CALL_TIMEOUT),
              maxAttempts == -1 ? DEFAULT_MAX_ATTEMPTS : maxAttempts);
      S3Client client =
          new ClientSettings(endpoint, region, credentials, pathStyle, timeouts, customizer)
              .client();
      return new S3Store(
          client,
          partBytes == -1 ? S3Upload.PART_BYTES : partBytes,
          new Faults(ClientSettings.endpoint(client), timeouts),
          timeouts);
    }

    private static void requireUnset(Object value, String what) {
      if (value != null) {
        throw new IllegalStateException(what + " was already set to " + value);
      }
    }
  }
}
