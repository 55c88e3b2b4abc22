package dev.lazyarrow.internal.bytes;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.SafeFiles;
import dev.lazyarrow.spi.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.apache.arrow.memory.ArrowBuf;

/**
 * A shard that is a local file: read by {@code pread}, mapped for zero-copy batches where the
 * reader decides to (see {@link dev.lazyarrow.internal.read.ShardFile}).
 */
public final class FileSource implements ByteSource {
  /** Ranges closer than this are read as one span: a page, the least the disk reads. */
  static final long GAP = 4096;

  private final Path path;
  private final FileChannel channel;
  final long size;
  public final FileTime modified;

  private FileSource(Path path, FileChannel channel, long size, FileTime modified) {
    this.path = path;
    this.channel = channel;
    this.size = size;
    this.modified = modified;
  }

  /**
   * Opens the regular file {@code path}, reached without a symbolic link, and reads its size and
   * modification time.
   *
   * @throws LazyArrowException naming it if it is missing or cannot be opened
   */
  public static FileSource open(Path path) {
    FileChannel channel;
    try {
      channel = SafeFiles.openUnlinked(path);
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(path, "shard file is missing");
    } catch (IOException e) {
      throw new LazyArrowException(path, "cannot open shard: " + e.getMessage(), e);
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return new FileSource(path, channel, attributes.size(), attributes.lastModifiedTime());
    } catch (IOException e) {
      close(channel);
      throw new LazyArrowException(path, "cannot open shard: " + e.getMessage(), e);
    }
  }

  @Override
  public Path name() {
    return path;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String identity() {
    return size + "-" + modified.toMillis();
  }

  @Override
  public FileChannel channel() {
    return channel;
  }

  @Override
  public long gap() {
    return GAP;
  }

  /**
   * {@inheritDoc}
   *
   * @throws LazyArrowException if the read failed because the file changed since it was opened
   */
  @Override
  public void readFully(long position, ByteBuffer target) throws IOException {
    try {
      Positional.readFully(channel, position, target);
    } catch (IOException e) {
      checkUnchanged();
      throw e;
    }
  }

  /**
   * {@inheritDoc} Never through a mapping, so that a file truncated under the read fails it.
   *
   * @throws LazyArrowException if the read failed because the file changed since it was opened
   */
  @Override
  public void read(long position, ArrowBuf target, long length) throws IOException {
    try {
      Memory.copyFromFile(channel, position, target, length);
    } catch (IOException e) {
      checkUnchanged();
      throw e;
    }
  }

  @Override
  public void checkUnchanged() {
    try {
      BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
      if (now.size() != size || !now.lastModifiedTime().equals(modified)) {
        throw new LazyArrowException(
            path,
            "file changed under the reader: it was "
                + size
                + " bytes modified "
                + modified
                + ", it is "
                + now.size()
                + " bytes modified "
                + now.lastModifiedTime());
      }
    } catch (IOException e) {
      throw new LazyArrowException(path, "file vanished under the reader: " + e, e);
    }
  }

  @Override
  public void close() {
    close(channel);
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // A read-only channel has nothing to flush: its close cannot lose data worth reporting.
    }
  }
}
