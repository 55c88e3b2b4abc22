package dev.lazyarrow.s3;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A dataset's place in object storage, {@code s3://bucket/prefix}: the bucket, and the key prefix
 * under which its manifest and shards lie ({@code prefix/lazyarrow.json}), empty for the bucket's
 * root.
 */
record S3Uri(String bucket, String prefix) {
  /** The URI scheme of objects in S3 and S3-compatible servers. */
  static final String SCHEME = "s3";

  /** S3's rule for bucket names: 3-63 lowercase letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * Parses {@code uri}, of the form {@code s3://bucket/prefix}; slashes around the prefix are
   * dropped.
   *
   * @throws IllegalArgumentException if it is not an {@code s3} URI with a valid bucket name, or
   *     carries a query or fragment
   */
  static S3Uri parse(URI uri) {
    Objects.requireNonNull(uri, "uri");
    if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    String bucket = uri.getAuthority();
    if (bucket == null || !BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "an s3:// URI must name a bucket of 3-63 lowercase letters, digits, dots and hyphens: "
              + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("an s3:// URI takes no query or fragment: " + uri);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    int from = 0;
    int to = path.length();
    while (from < to && path.charAt(from) == '/') {
      from++;
    }
    while (to > from && path.charAt(to - 1) == '/') {
      to--;
    }
    return new S3Uri(bucket, path.substring(from, to));
  }

  /** Returns the key of {@code relative}, a path inside the dataset. */
  String key(String relative) {
    return prefix.isEmpty() ? relative : prefix + "/" + relative;
  }

  /** Returns the URI of object {@code key} of {@code bucket}. */
  static URI object(String bucket, String key) {
    return URI.create(SCHEME + "://" + bucket + "/" + key);
  }

  @Override
  public String toString() {
    return SCHEME + "://" + bucket + "/" + prefix;
  }
}
