package dev.lazyarrow.internal.cache;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Segment;
import dev.lazyarrow.internal.ipc.IpcFileWriter;
import dev.lazyarrow.internal.ipc.ShardFooter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Record batches kept on local disk, uncompressed, bounded in bytes and shared by the processes of
 * one node: what was fetched from object storage, or decompressed from a local ZSTD or LZ4 shard,
 * read again from a memory-mapped entry, zero-copy.
 *
 * <p>An entry is one file named by the SHA-256 of its key, which holds the shard's name, its
 * identity (an object's ETag and size, a file's size and time) and the batch: a changed shard can
 * never be served an old entry. Its layout:
 *
 * <pre>
 * message metadata                   the batch's IPC message, as in a shard's block
 * body                               its buffers, uncompressed
 * int64 metadata length              little-endian
 * int64 body length                  little-endian
 * int32 CRC32C                       of every byte before it
 * "LAC1"                             MAGIC
 * </pre>
 *
 * <p>An entry is written to a temporary file in the directory and renamed into place, so no reader
 * sees it half-written. Every entry found is checked (size, trailer, checksum) before use, then its
 * batch is validated like any other: a damaged or truncated one is deleted and fetched again.
 * Opening an entry marks its last use (its modification time); when the entries exceed the bound,
 * the least recently used go, under a lock on the file {@code .lock} that every process holds to
 * evict. A process that has an entry mapped keeps reading it after another deletes it.
 */
public final class DiskCache {
  static final byte[] MAGIC = "LAC1".getBytes(StandardCharsets.US_ASCII);

  /** The bytes after an entry's batch: its two lengths, its checksum and {@link #MAGIC}. */
  static final int TRAILER = 8 + 8 + 4 + 4;

  private static final String SUFFIX = ".entry";
  private static final String TEMPORARY = ".part-";

  /** A temporary file older than this is a writer's that died: it goes with the next eviction. */
  private static final long STALE_MILLIS = 3_600_000;

  /** File locks belong to the process: threads of one process take turns on this first. */
  private static final Object EVICTING = new Object();

  private final Path dir;
  private final long maxBytes;

  private DiskCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /**
   * Opens (creating if needed) the cache directory {@code dir}, holding at most {@code maxBytes}
   * bytes of entries.
   *
   * @throws IllegalArgumentException if {@code maxBytes} is not positive
   * @throws LazyArrowException if the directory cannot be created
   */
  public static DiskCache open(Path dir, long maxBytes) {
    Objects.requireNonNull(dir, "dir");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("local cache bytes must be positive: " + maxBytes);
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LazyArrowException(dir, "cannot create the local cache: " + e, e);
    }
    return new DiskCache(dir, maxBytes);
  }

  /** Returns the directory. */
  public Path dir() {
    return dir;
  }

  /** Returns the bytes of entries the cache holds now, as listed; for tests and reports. */
  public long bytes() {
    return list().stream().mapToLong(Listed::size).sum();
  }

  /** Returns whether an entry for {@code key} exists; reads nothing of it. */
  public boolean contains(String key) {
    return Files.isRegularFile(file(key), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Returns the entry for {@code key}, mapped and checked, or null if there is none or the one
   * found was damaged (then it is deleted).
   */
  public CacheEntry get(String key) {
    Path file = file(key);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    MappedByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size < TRAILER || size > Integer.MAX_VALUE) {
        delete(file);
        return null;
      }
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new LazyArrowException(file, "cannot read local cache entry: " + e, e);
    }
    CacheEntry entry = checked(file, new Segment(0, mapped), mapped.capacity());
    if (entry == null) {
      delete(file);
      return null;
    }
    try {
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (IOException ignored) {
      // Evicted meanwhile by another process: this mapping stays valid all the same.
    }
    return entry;
  }

  /** Returns the entry in {@code segment} if its trailer and checksum hold, else null. */
  private static CacheEntry checked(Path file, Segment segment, int size) {
    ByteBuffer trailer = segment.slice(size - TRAILER, TRAILER);
    long metadata = trailer.getLong(0);
    long body = trailer.getLong(8);
    boolean good =
        ShardFooter.hasMagic(trailer, 20, MAGIC)
            && metadata >= 8
            && body >= 0
            && metadata + body == size - TRAILER;
    if (good) {
      CRC32C crc = new CRC32C();
      crc.update(segment.slice(0, size - TRAILER + 16));
      good = (int) crc.getValue() == trailer.getInt(16);
    }
    if (!good) {
      segment.release();
      return null;
    }
    return new CacheEntry(file, segment, metadata, body);
  }

  /** Writes what an entry holds: a batch's message metadata and body; returns their lengths. */
  @FunctionalInterface
  public interface Writer {
    long[] write(WritableByteChannel out) throws IOException;
  }

  /**
   * Writes the entry for {@code key} with {@code writer}, renames it into place and returns it
   * mapped; then evicts entries beyond the bound, least recently used first (this one last).
   *
   * @throws LazyArrowException if the entry cannot be written
   */
  public CacheEntry put(String key, Writer writer) {
    Path file = file(key);
    Path temporary = dir.resolve(TEMPORARY + UUID.randomUUID());
    CacheEntry entry;
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
      IpcFileWriter.Summing out = new IpcFileWriter.Summing(channel);
      long[] lengths = writer.write(out);
      ByteBuffer trailer = ByteBuffer.allocate(TRAILER).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putLong(lengths[0]).putLong(lengths[1]).flip();
      while (trailer.hasRemaining()) {
        out.write(trailer);
      }
      trailer.limit(TRAILER).putInt((int) out.all.getValue()).put(MAGIC).position(16);
      while (trailer.hasRemaining()) {
        channel.write(trailer);
      }
      long size = channel.position();
      Segment segment = new Segment(0, channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
      entry = new CacheEntry(file, segment, lengths[0], lengths[1]);
      move(temporary, file);
    } catch (IOException e) {
      delete(temporary);
      throw new LazyArrowException(file, "cannot write local cache entry: " + e, e);
    } catch (RuntimeException e) {
      delete(temporary);
      throw e;
    }
    evict(file);
    return entry;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the local cache's file system cannot rename atomically", e);
    }
  }

  /** Deletes the least recently used entries while the cache holds more than its bound. */
  private void evict(Path kept) {
    synchronized (EVICTING) {
      try (FileChannel lock =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = lock.lock()) {
        List<Listed> entries = list();
        long total = entries.stream().mapToLong(Listed::size).sum();
        entries.sort(
            Comparator.comparing((Listed l) -> l.file.equals(kept)).thenComparing(Listed::used));
        for (Listed l : entries) {
          if (total <= maxBytes) {
            break;
          }
          delete(l.file);
          total -= l.size;
        }
      } catch (IOException e) {
        throw new LazyArrowException(dir, "cannot lock the local cache to evict: " + e, e);
      }
    }
  }

  private record Listed(Path file, long size, long used) {}

  /** Lists the entries, deleting temporary files that a dead writer left. */
  private List<Listed> list() {
    List<Listed> out = new ArrayList<>();
    long stale = System.currentTimeMillis() - STALE_MILLIS;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        try {
          BasicFileAttributes a =
              Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          long used = a.lastModifiedTime().toMillis();
          if (name.endsWith(SUFFIX) && a.isRegularFile()) {
            out.add(new Listed(f, a.size(), used));
          } else if (name.startsWith(TEMPORARY) && used < stale) {
            delete(f);
          }
        } catch (NoSuchFileException e) {
          // Evicted by another process while listed.
        }
      }
    } catch (IOException e) {
      throw new LazyArrowException(dir, "cannot list the local cache: " + e, e);
    }
    return out;
  }

  private Path file(String key) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve(HexFormat.of().formatHex(hash) + SUFFIX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // Another process deleted or replaced it: what was to go is gone either way.
    }
  }
}
