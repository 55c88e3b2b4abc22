package dev.lazyarrow.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
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

  /**
   * S3's rule for bucket names: 3-63 lowercase letters, digits, dots and hyphens, starting and
   * ending with a letter or digit, no two dots in a row, not an IPv4 address.
   */
  private static final Pattern BUCKET =
      Pattern.compile("(?!.*\\.\\.)(?![0-9]+(\\.[0-9]+){3}$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * The longest key S3 takes, in UTF-8 bytes, less what a dataset's files add under the prefix
   * ({@code /train/part-00000.arrow} and longer split names): room for 400 bytes of names.
   */
  static final int MAX_PREFIX_BYTES = 1024 - 400;

  /**
   * Parses {@code uri}, of the form {@code s3://bucket/prefix}; slashes around the prefix are
   * dropped.
   *
   * @throws IllegalArgumentException if it is not an {@code s3} URI with a valid bucket name, or
   *     carries a query or fragment, or its prefix is not a key S3 takes: a control character (a
   *     line break), an unpaired surrogate, a {@code .} or {@code ..} segment, more than {@link
   *     #MAX_PREFIX_BYTES} bytes
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
    String prefix = path.substring(from, to);
    checkKey(prefix, uri);
    return new S3Uri(bucket, prefix);
  }

  private static void checkKey(String prefix, URI uri) {
    for (int i = 0; i < prefix.length(); i += Character.charCount(prefix.codePointAt(i))) {
      int c = prefix.codePointAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE) {
        throw new IllegalArgumentException(
            String.format(
                "an s3:// URI's key takes no control character nor unpaired surrogate"
                    + " (U+%04X at %d): %s",
                c, i, uri));
      }
    }
    for (String segment : prefix.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "an s3:// URI's key takes no " + segment + " segment (servers resolve it as a path): "
                + uri);
      }
    }
    int bytes = prefix.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PREFIX_BYTES) {
      throw new IllegalArgumentException(
          "an s3:// URI's key must be at most " + MAX_PREFIX_BYTES + " bytes of UTF-8, leaving room"
              + " under S3's 1,024 for the dataset's files: " + bytes + " in " + uri);
    }
  }

  /** Returns the key of {@code relative}, a path inside the dataset. */
  String key(String relative) {
    return prefix.isEmpty() ? relative : prefix + "/" + relative;
  }

  /** Returns the URI of object {@code key} of {@code bucket}. */
  static URI object(String bucket, String key) {
    try {
      // Quotes what a URI cannot hold as is (a space, a percent sign), which getPath() decodes.
      return new URI(SCHEME, bucket, "/" + key, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid object: s3://" + bucket + "/" + key, e);
    }
  }

  @Override
  public String toString() {
    return SCHEME + "://" + bucket + "/" + prefix;
  }
}
