package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.hc.client5.http.ConnectTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The errors of requests that got no usable answer: an endpoint that cannot be reached, a server
 * that stops answering (which timeout ran out, and where it is set), or an answer the SDK could not
 * read. Each names the object and the endpoint, never an SDK class.
 */
final class Faults {
  private final String endpoint;
  private final Timeouts timeouts;

  Faults(String endpoint, Timeouts timeouts) {
    this.endpoint = endpoint;
    this.timeouts = timeouts;
  }

  /** Returns the endpoint requests go to, as errors name it. */
  String endpoint() {
    return endpoint;
  }

  /** Returns the error for a request to object {@code name} that failed with {@code e}. */
  LazyArrowException request(Path name, SdkException e) {
    if (e instanceof ApiCallTimeoutException) {
      return new LazyArrowException(
          name, "no answer from " + endpoint + " " + within("call", timeouts.call()), e);
    }
    if (e instanceof ApiCallAttemptTimeoutException) {
      return new LazyArrowException(
          name,
          "no answer from "
              + endpoint
              + " in "
              + timeouts.attempts()
              + " attempts, each "
              + within("attempt", timeouts.attempt()),
          e);
    }
    String network = network(e);
    return new LazyArrowException(
        name,
        (network != null ? network : "request to " + endpoint + " failed: " + e.getMessage())
            + "; tried "
            + timeouts.attempts()
            + " times",
        e);
  }

  /** Returns the error for reading the answer's body of object {@code name}, failed with {@code e}. */
  LazyArrowException body(Path name, Exception e) {
    String network = network(e);
    return new LazyArrowException(
        name,
        network != null
            ? network
            : "the answer from " + endpoint + " broke off: " + e.getMessage(),
        e);
  }

  /**
   * Returns what went wrong on the network if a cause of {@code e} says (refused, unknown host, no
   * answer in time), else null.
   */
  private String network(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException) {
        return "cannot reach " + endpoint + " (" + reason(t) + ")";
      }
      if (t instanceof ConnectTimeoutException) {
        return "cannot reach " + endpoint + ": no connection " + within("connect", timeouts.connect());
      }
      if (t instanceof SocketTimeoutException) {
        return "no answer from " + endpoint + " " + within("socket", timeouts.socket());
      }
    }
    return null;
  }

  private static String reason(Throwable t) {
    if (t instanceof UnknownHostException) {
      return "unknown host " + t.getMessage();
    }
    String message = t.getMessage();
    return message == null ? "connection refused" : message;
  }

  private static String setting(String method, String property) {
    return "set by S3Store.Builder." + method + " or -D" + property;
  }

  /** Returns {@code within the socket timeout of 10 s, set by ...} for timeout {@code kind}. */
  private static String within(String kind, Duration timeout) {
    return "within the "
        + kind
        + " timeout of "
        + Timeouts.text(timeout)
        + ", "
        + setting(kind + "Timeout", "lazyarrow.s3." + kind + "Timeout");
  }
}
