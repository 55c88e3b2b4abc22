package dev.lazyarrow.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ConcurrentModificationException;

/**
 * The lock file of a dataset folder, held by one Spark write from its job's start to the end of its
 * commit or abort: a second writer is refused instead of committing over the first (each commit
 * rewrites the manifest from the one it read).
 *
 * <p>The file, {@value #FILE_NAME}, is created only if absent (O_EXCL: atomic on local file systems
 * and on NFS 3 and later) and holds one line naming its holder: query, host, process and time. A
 * driver that dies holding it leaves it behind; the error then names the holder and says to delete
 * the file once that job is gone. Readers of the dataset ignore the file.
 */
final class DatasetLock {
  /** The name of the lock file in the dataset folder. */
  static final String FILE_NAME = ".lazyarrow-spark.lock";

  /** How much of a lock file the error quotes: the file is untrusted, and may be anything. */
  private static final int MAX_HOLDER_BYTES = 512;

  private final Path file;
  private boolean held = true;

  private DatasetLock(Path file) {
    this.file = file;
  }

  /**
   * Takes the lock of the dataset folder {@code dir} for the write {@code queryId}, creating the
   * folder if it is missing.
   *
   * @throws ConcurrentModificationException naming the holder, if another write holds it
   */
  static DatasetLock take(Path dir, String queryId) {
    Path file = dir.resolve(FILE_NAME);
    String holder =
        "query "
            + queryId
            + " on "
            + host()
            + ", process "
            + ProcessHandle.current().pid()
            + ", since "
            + Instant.now()
            + "\n";
    try {
      Files.createDirectories(dir);
      Files.writeString(file, holder, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      throw new ConcurrentModificationException(
          "the dataset "
              + dir
              + " is being written by another job: its lock file "
              + file
              + " names "
              + holder(file)
              + "; delete that file if that job is no longer running");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the lock file " + file, e);
    }
    return new DatasetLock(file);
  }

  /** Releases the lock, once; later calls do nothing. */
  void release() {
    if (!held) {
      return;
    }
    held = false;
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the lock file " + file, e);
    }
  }

  /** Returns the holder a lock file names, quoted, with what is not printable ASCII replaced. */
  private static String holder(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return "nobody (it is not a regular file)";
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_HOLDER_BYTES);
    } catch (NoSuchFileException e) {
      return "nobody (it was deleted meanwhile)";
    } catch (IOException e) {
      return "nobody it can say (" + e.getMessage() + ")";
    }
    StringBuilder text = new StringBuilder("'");
    for (char c : new String(bytes, StandardCharsets.US_ASCII).strip().toCharArray()) {
      text.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return text.append("'").toString();
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "an unnamed host";
    }
  }
}
