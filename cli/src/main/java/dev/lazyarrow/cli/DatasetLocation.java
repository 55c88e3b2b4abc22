package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A DATASET or OUT argument: a local directory, or a URI, {@code s3://bucket/prefix} or {@code
 * file:/dir}.
 */
record DatasetLocation(String text) {
  /**
   * What a URI starts with: a scheme and a colon (a one-letter scheme would be a drive), whatever
   * follows, line breaks included: {@code s3://b/a<newline>b} is a bad URI, never a local path.
   */
  private static final Pattern URI_START =
      Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*", Pattern.DOTALL);

  /** Makes picocli's arguments locations; a bad URI is a usage error (exit 2). */
  static final class Parser implements ITypeConverter<DatasetLocation> {
    @Override
    public DatasetLocation convert(String value) {
      DatasetLocation location = new DatasetLocation(value);
      if (URI_START.matcher(value).matches()) {
        URI uri;
        try {
          uri = new URI(value);
        } catch (URISyntaxException e) {
          throw new TypeConversionException("not a valid URI: " + e.getMessage());
        }
        if (!"file".equalsIgnoreCase(uri.getScheme())
            && (uri.getAuthority() == null || uri.getAuthority().isEmpty())) {
          throw new TypeConversionException(
              "a "
                  + uri.getScheme()
                  + ": URI names its bucket, as in s3://bucket/prefix: "
                  + value);
        }
      }
      return location;
    }
  }

  /** Returns the URI this names, or null for a plain path. */
  URI uri() {
    return URI_START.matcher(text).matches() ? URI.create(text) : null;
  }

  /** Returns the object storage location this names, such as {@code s3://b/p}, or null. */
  URI remote() {
    URI uri = uri();
    return uri != null && !"file".equalsIgnoreCase(uri.getScheme()) ? uri : null;
  }

  /** Returns the local directory this names, or null for an object storage URI. */
  Path path() {
    URI uri = uri();
    return uri == null ? Path.of(text) : remote() == null ? Path.of(uri) : null;
  }

  /** Returns this location in one spelling: an absolute, normalized path, or the URI. */
  String normalized() {
    Path path = path();
    return path != null
        ? path.toAbsolutePath().normalize().toString()
        : uri().normalize().toString();
  }

  /** Opens the dataset here with {@code builder}. */
  LazyDataset open(LazyDataset.Builder builder) {
    Path path = path();
    return path != null ? builder.open(path) : builder.open(uri());
  }

  @Override
  public String toString() {
    return text;
  }
}
