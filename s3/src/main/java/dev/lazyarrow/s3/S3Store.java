package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.spi.ByteSource;
import dev.lazyarrow.spi.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;
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
 * Builder#maxAttempts} times in all.
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

  /** Connections kept open: the range reads' threads and the fetches ahead, with room. */
  static final int MAX_CONNECTIONS = 64;

  private final S3Client client;
  private final long partBytes;

  private S3Store(S3Client client, long partBytes) {
    this.client = client;
    this.partBytes = partBytes;
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
    try (ResponseInputStream<GetObjectResponse> in = client.getObject(request)) {
      Long length = in.response().contentLength();
      if (length == null || length > maxBytes) {
        in.abort();
        throw new LazyArrowException(
            name, "object is " + length + " bytes; more than " + maxBytes + " is refused");
      }
      return readN(in, length.intValue(), name);
    } catch (S3Exception e) {
      // No such key, or no such bucket.
      throw e.statusCode() == 404
          ? new LazyArrowException(name, missing)
          : S3Source.fault(name, e, null);
    } catch (SdkException | IOException e) {
      throw new LazyArrowException(name, "cannot read object: " + e.getMessage(), e);
    }
  }

  private static byte[] readN(InputStream in, int length, Path name) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length != length) {
      throw new IOException(name + " ended " + (length - bytes.length) + " bytes early");
    }
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
    S3Upload.dataset(client, dir, S3Uri.parse(dataset), overwrite, partBytes);
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
     * Builds the SDK client.
     *
     * @throws LazyArrowException if no region is configured and no endpoint is set
     */
    public S3Store build() {
      URI target = endpoint != null ? endpoint : environmentEndpoint();
      int attempts = maxAttempts == -1 ? DEFAULT_MAX_ATTEMPTS : maxAttempts;
      RetryStrategy retries =
          AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(attempts).build();
      S3ClientBuilder b =
          S3Client.builder()
              .httpClientBuilder(Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS))
              .overrideConfiguration(o -> o.retryStrategy(retries))
              // Whole-object checksums mean nothing to range reads, and some S3-compatible
              // servers reject the trailing checksums the SDK now sends by default.
              .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
              .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
              .forcePathStyle(pathStyle != null ? pathStyle : target != null);
      if (target != null) {
        b.endpointOverride(target);
      }
      if (region != null) {
        b.region(Region.of(region));
      } else if (target != null && !hasDefaultRegion()) {
        b.region(Region.US_EAST_1);
      }
      if (credentials != null) {
        b.credentialsProvider(credentials);
      }
      if (customizer != null) {
        customizer.accept(b);
      }
      try {
        return new S3Store(b.build(), partBytes == -1 ? S3Upload.PART_BYTES : partBytes);
      } catch (SdkException e) {
        throw new LazyArrowException(
            null,
            "cannot set up the S3 client: "
                + e.getMessage()
                + " (set AWS_REGION, or the region in ~/.aws/config)",
            e);
      }
    }

    /**
     * Returns the endpoint the SDK's settings name, S3's own first: the system properties {@code
     * aws.endpointUrlS3} and {@code aws.endpointUrl}, then the environment variables {@code
     * AWS_ENDPOINT_URL_S3} and {@code AWS_ENDPOINT_URL}; null if none.
     */
    private static URI environmentEndpoint() {
      String[][] settings = {
        {"aws.endpointUrlS3", "AWS_ENDPOINT_URL_S3"}, {"aws.endpointUrl", "AWS_ENDPOINT_URL"}
      };
      for (String[] setting : settings) {
        String value = System.getProperty(setting[0], System.getenv(setting[1]));
        if (value != null && !value.isBlank()) {
          return URI.create(value.trim());
        }
      }
      return null;
    }

    private static boolean hasDefaultRegion() {
      try {
        return new DefaultAwsRegionProviderChain().getRegion() != null;
      } catch (SdkException e) {
        return false;
      }
    }

    private static void requireUnset(Object value, String what) {
      if (value != null) {
        throw new IllegalStateException(what + " was already set to " + value);
      }
    }
  }
}
