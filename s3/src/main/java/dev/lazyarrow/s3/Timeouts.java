package dev.lazyarrow.s3;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;

/**
 * How long a request to the server may take, so that a server that is down or stalls fails in
 * bounded time: to connect, between two packets of an answer ({@code socket}), for one attempt
 * until the answer's headers, and for the whole call with its retries.
 *
 * <p>The body of a GET is read after the call returns, bounded by the socket timeout between
 * packets. An upload's timeouts grow by {@link #PER_MIB} for each MiB it sends: a part of 64 MiB
 * may take a minute on a slow link, a stalled server must not take forever.
 */
record Timeouts(Duration connect, Duration socket, Duration attempt, Duration call, int attempts) {
  /** The time an upload's attempt and call timeouts grow by for each MiB sent: 1 MiB/s at least. */
  static final Duration PER_MIB = Duration.ofSeconds(1);

  /** The system properties that set each timeout where the builder does not, in seconds. */
  static final String CONNECT_PROPERTY = "lazyarrow.s3.connectTimeout";

  static final String SOCKET_PROPERTY = "lazyarrow.s3.socketTimeout";
  static final String ATTEMPT_PROPERTY = "lazyarrow.s3.attemptTimeout";
  static final String CALL_PROPERTY = "lazyarrow.s3.callTimeout";

  /** A number of seconds: digits with an optional fraction, as {@code 45} or {@code 0.5}. */
  private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,3})?");

  /**
   * Returns {@code given} if set, else the duration in seconds of system property {@code property}
   * if set, else {@code fallback}.
   *
   * @throws IllegalArgumentException naming the property if its value is not a positive number of
   *     seconds
   */
  static Duration resolve(Duration given, String property, Duration fallback) {
    if (given != null) {
      return given;
    }
    String value = System.getProperty(property);
    if (value == null) {
      return fallback;
    }
    String text = value.trim();
    if (!SECONDS.matcher(text).matches() || Double.parseDouble(text) == 0) {
      throw new IllegalArgumentException(
          "system property " + property + " must be a positive number of seconds: " + value);
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
  }

  /**
   * Checks that {@code timeout} is positive, as each timeout must be.
   *
   * @throws IllegalArgumentException naming the timeout and the value if it is not
   */
  static Duration requirePositive(Duration timeout, String what) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(what + " timeout must be positive: " + timeout);
    }
    return timeout;
  }

  /** Sets the connection and socket timeouts on the HTTP client. */
  Apache5HttpClient.Builder http(Apache5HttpClient.Builder http) {
    return http.connectionTimeout(connect).socketTimeout(socket);
  }

  /** Sets the attempt and call timeouts on the SDK client. */
  void apply(ClientOverrideConfiguration.Builder o) {
    o.apiCallAttemptTimeout(attempt).apiCallTimeout(call);
  }

  /** Returns the per-request setting that stretches the timeouts for an upload of {@code bytes}. */
  Consumer<AwsRequestOverrideConfiguration.Builder> upload(long bytes) {
    Duration sending = PER_MIB.multipliedBy(Math.max(1, (bytes + (1 << 20) - 1) >> 20));
    return o ->
        o.apiCallAttemptTimeout(attempt.plus(sending))
            .apiCallTimeout(call.plus(sending.multipliedBy(attempts)));
  }

  /** Returns {@code d} as people read it: {@code 45 s}, {@code 0.5 s}. */
  static String text(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0
        ? millis / 1000 + " s"
        : String.format(Locale.ROOT, "%s s", millis / 1000.0);
  }
}
