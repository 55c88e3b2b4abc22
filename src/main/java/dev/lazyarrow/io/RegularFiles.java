package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens files for reading only if they are regular files: opening a FIFO waits for a writer that
 * may never come, and a directory or device is never a shard or an index.
 */
final class RegularFiles {
  private RegularFiles() {}

  /**
   * Opens {@code file}, a {@code kind} ("shard", "stream index", ...), for reading.
   *
   * @throws NoSuchFileException if it does not exist
   * @throws LazyArrowException naming the file if it is not a regular file
   */
  static FileChannel open(Path file, String kind) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new LazyArrowException(
          file,
          kind
              + " is not a regular file but a "
              + (attributes.isDirectory() ? "directory" : "FIFO, socket or device"));
    }
    return FileChannel.open(file, StandardOpenOption.READ);
  }
}
