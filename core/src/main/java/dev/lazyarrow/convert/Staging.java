package dev.lazyarrow.convert;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The temporary folder a conversion writes into, beside its output, and its rename into place: a
 * conversion that fails or is killed leaves the output absent, or as it was.
 */
final class Staging {
  private Staging() {}

  /**
   * Refuses an output that is the source, lies inside it or holds it, compared by real paths
   * (symbolic links resolved): replacing it would delete the source, and writing into it would
   * change what is being read.
   *
   * @throws IllegalArgumentException if {@code out} and {@code source} overlap
   */
  static void requireApart(Path source, Path out) throws IOException {
    Path realSource = source.toRealPath();
    Path realOut = planned(out);
    if (realOut.startsWith(realSource) || realSource.startsWith(realOut)) {
      throw new IllegalArgumentException(
          "OUT "
              + out
              + (realOut.equals(realSource)
                  ? " is SOURCE"
                  : realOut.startsWith(realSource) ? " lies inside SOURCE " : " holds SOURCE ")
              + (realOut.equals(realSource) ? "" : source.toString())
              + " (resolved: "
              + realOut
              + " and "
              + realSource
              + "); choose an OUT apart from it");
    }
  }

  /** Returns the real path {@code path} has or would have: its existing part resolved. */
  private static Path planned(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null
        ? absolute
        : existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
  }

  /** Creates a fresh temporary folder beside {@code out}, named after it. */
  static Path create(Path out) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return Files.createDirectory(
        parent.resolve("." + out.getFileName() + ".lazyarrow-tmp-" + UUID.randomUUID()));
  }

  /**
   * Moves the finished {@code tmp} to {@code out}, replacing what was there. A kill between the two
   * renames leaves {@code out} absent and its old content beside it, never a half-written dataset.
   */
  static void publish(Path tmp, Path out) throws IOException {
    Path old = null;
    if (Files.exists(out)) {
      old = tmp.resolveSibling(tmp.getFileName() + ".old");
      Files.move(out, old);
    }
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    if (old != null) {
      delete(old);
    }
  }

  /** Deletes the tree at {@code root}, if there is one. */
  static void delete(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
