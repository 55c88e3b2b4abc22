package dev.lazyarrow.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;

/** Dataset locations given to Spark, and the removal of what a write leaves behind. */
final class Paths {
  private Paths() {}

  /**
   * Returns the local path of {@code location}: a path, or a {@code file:} URI. Every executor must
   * see the same file system there (a local one in local mode, a shared one on a cluster).
   *
   * @throws IllegalArgumentException if {@code location} is a URI of another scheme
   */
  static Path local(String location) {
    int colon = location.indexOf(':');
    if (colon > 1 && location.indexOf('/') > colon) {
      String scheme = location.substring(0, colon);
      if (!scheme.equalsIgnoreCase("file")) {
        throw new IllegalArgumentException(
            "lazyarrow reads and writes file system paths (local, or shared by every executor);"
                + " found a "
                + scheme
                + ": location "
                + location);
      }
      return Path.of(URI.create(location));
    }
    return Path.of(location);
  }

  /** Deletes the tree at {@code root}, if there is one. */
  static void delete(Path root) {
    try {
      FileUtils.deleteDirectory(root.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
