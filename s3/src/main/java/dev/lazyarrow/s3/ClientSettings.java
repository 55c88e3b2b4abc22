package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import java.net.URI;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A store's settings as its builder gathered them (null where the SDK's chains decide), and the SDK
 * client they make.
 */
record ClientSettings(
    URI endpoint,
    String region,
    AwsCredentialsProvider credentials,
    Boolean pathStyle,
    Timeouts timeouts,
    Consumer<S3ClientBuilder> customizer) {
  /** Connections kept open: the range reads' threads and the fetches ahead, with room. */
  static final int MAX_CONNECTIONS = 64;

  /**
   * Makes the SDK client.
   *
   * @throws LazyArrowException if no region is configured and no endpoint is set
   */
  S3Client client() {
    URI target = endpoint != null ? endpoint : environmentEndpoint();
    RetryStrategy retries =
        AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(timeouts.attempts())
            .build();
    S3ClientBuilder b =
        S3Client.builder()
            .httpClientBuilder(
                timeouts.http(Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS)))
            .overrideConfiguration(
                o -> {
                  o.retryStrategy(retries);
                  timeouts.apply(o);
                })
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
      return b.build();
    } catch (SdkException e) {
      throw new LazyArrowException(
          null,
          "cannot set up the S3 client: "
              + e.getMessage()
              + " (set AWS_REGION, or the region in ~/.aws/config)",
          e);
    }
  }

  /** Returns the endpoint {@code client} sends requests to, as errors name it. */
  static String endpoint(S3Client client) {
    return client
        .serviceClientConfiguration()
        .endpointOverride()
        .map(URI::toString)
        .orElseGet(() -> "https://s3." + client.serviceClientConfiguration().region() + ".amazonaws.com");
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
}
