package dev.lazyarrow.internal.format;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;

/**
 * Opens and writes files whose paths come from untrusted data.
 *
 * <ul>
 *   <li>Only regular files are opened: a FIFO, device or folder where a file is expected is refused
 *       before it is opened, so that reading it cannot block or never end.
 *   <li>A file is opened by its real path (symbolic links resolved), which must lie inside its
 *       root, and with {@link LinkOption#NOFOLLOW_LINKS}.
 *   <li>Temporary files are created new ({@link StandardOpenOption#CREATE_NEW}, under a random
 *       name), never opened through a link someone planted, and renamed into place.
 * </ul>
 *
 * <p>Public for the packages beside this one; not API.
 */
public final class SafeFiles {
  private SafeFiles() {}

  /**
   * Returns the real path of the folder {@code dir}.
   *
   * @throws LazyArrowException if it is missing or not a folder
   */
  public static Path realDirectory(Path dir) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(dir, "no such folder");
    } catch (IOException e) {
      throw new LazyArrowException(dir, "cannot resolve: " + e.getMessage(), e);
    }
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new LazyArrowException(dir, "not a folder");
    }
    return real;
  }

  /**
   * Returns the real path of {@code file} if it lies inside one of {@code roots} (real paths).
   *
   * @param namedBy the file that names {@code file}, blamed if it leads outside
   * @throws LazyArrowException if {@code file} is missing or resolves outside every root
   */
  public static Path requireInside(Path file, List<Path> roots, Path namedBy) {
    Path real = realPath(file);
    for (Path root : roots) {
      if (real.startsWith(root) && !real.equals(root)) {
        return real;
      }
    }
    throw new LazyArrowException(
        namedBy,
        file
            + " resolves to "
            + real
            + ", outside "
            + (roots.size() == 1 ? roots.get(0) : roots)
            + " (a symbolic link leads out)");
  }

  /**
   * Opens {@code file} for reading if it is a regular file reached without any symbolic link: its
   * real path must be its absolute path, so that a link inside a dataset cannot lead out of it.
   *
   * @throws java.nio.file.NoSuchFileException if it is missing
   * @throws LazyArrowException if it is reached through a link or not a regular file
   */
  public static FileChannel openUnlinked(Path file) throws IOException {
    Path real = file.toRealPath();
    if (!real.equals(file.toAbsolutePath().normalize())) {
      throw new LazyArrowException(
          file, "is reached through a symbolic link (it resolves to " + real + "); refused");
    }
    return openRegular(real);
  }

  /**
   * Opens the regular file {@code file} for reading by its real path, which is opened without
   * following links: a link swapped in after the check is not followed.
   *
   * @throws LazyArrowException if it is missing or not a regular file
   */
  public static FileChannel openRegular(Path file) throws IOException {
    Path real = realPath(file);
    requireRegular(real);
    try {
      return FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(file, "no such file");
    }
  }

  /** Opens the regular file {@code file} as a stream; see {@link #openRegular}. */
  public static InputStream newInputStream(Path file) throws IOException {
    return Channels.newInputStream(openRegular(file));
  }

  /**
   * Reads the regular file {@code file} whole, refusing one of more than {@code maxBytes}.
   *
   * @throws LazyArrowException if it is missing, not a regular file or too long
   */
  public static byte[] readAll(Path file, long maxBytes) throws IOException {
    try (FileChannel channel = openRegular(file)) {
      long size = channel.size();
      if (size > maxBytes) {
        throw new LazyArrowException(
            file, "is " + size + " bytes; more than " + maxBytes + " is not read");
      }
      ByteBuffer bytes = ByteBuffer.allocate((int) size);
      while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
        // A file that shrank while read ends the loop; the parser then finds it truncated.
      }
      return bytes.array().length == bytes.position()
          ? bytes.array()
          : java.util.Arrays.copyOf(bytes.array(), bytes.position());
    }
  }

  /**
   * Refuses {@code file} unless it is a regular file (a link is followed).
   *
   * @throws LazyArrowException if it is missing or is a FIFO, device or folder
   */
  public static void requireRegular(Path file) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(file, "no such file");
    } catch (IOException e) {
      throw new LazyArrowException(file, "cannot read its attributes: " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      String kind = attributes.isDirectory() ? "a folder" : "a FIFO, socket or device";
      throw new LazyArrowException(file, "not a regular file but " + kind + "; refused");
    }
  }

  /**
   * Writes {@code bytes} to {@code dir/name} atomically: into a new temporary file beside it, then
   * renamed over it. A link at either name is replaced, never followed.
   */
  public static void replace(Path dir, String name, byte[] bytes) throws IOException {
    Path tmp = dir.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
    try (FileChannel out =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      out.force(true);
    }
    try {
      try {
        Files.move(
            tmp,
            dir.resolve(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private static Path realPath(Path file) {
    try {
      return file.toRealPath();
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(file, "no such file");
    } catch (IOException e) {
      throw new LazyArrowException(file, "cannot resolve: " + e.getMessage(), e);
    }
  }
}
