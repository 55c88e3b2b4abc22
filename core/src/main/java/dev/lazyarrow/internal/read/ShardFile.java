package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.FileSource;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.BlockTable;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.ipc.ShardFooter;
import dev.lazyarrow.internal.ipc.StreamIndex;
import dev.lazyarrow.spi.ByteSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One Arrow IPC shard, opened on first touch and read zero-copy from memory-mapped segments.
 *
 * <p>Nothing is read when the object is made. The first call that needs the file opens it, checks
 * its size against the manifest, finds its blocks (see {@link BlockTable}) and loads its
 * dictionaries. An IPC file's blocks come from its footer ({@link ShardFooter}); an IPC stream
 * served in place has none, so they come from the sidecar that {@code lazyarrow index} wrote
 * ({@link StreamIndex}), once the stream is found unchanged since. A record batch is loaded with
 * {@link #load}: its body stays in the mapping, wrapped as a foreign Arrow allocation, so the
 * vectors point into the file. The file is mapped in segments of at most 2 GiB (the most one
 * mapping can hold) whose bounds fall between batches, each mapped once on the first touch of a
 * batch inside it and unmapped when the shard is closed and no vector points into it any more.
 * Compressed batches are decompressed into allocator memory on load.
 *
 * <p>Only shards LazyArrow wrote are mapped. A stream served in place belongs to someone else, who
 * may truncate or rewrite it while it is read, and a read of a mapped page the file no longer
 * covers faults (SIGBUS), which in compiled code can kill the JVM; its batches are copied into
 * allocator memory with positional reads instead, and a change under a read is a {@link
 * LazyArrowException}: "file changed under the reader".
 *
 * <p>Thread-safe: any number of threads may load batches at once.
 */
public final class ShardFile implements AutoCloseable {
  /**
   * The footer metadata key under which LazyArrow's writer lists each batch's row count, decimal
   * and comma-separated, so that a reader needs nothing but the footer to index a shard.
   */
  public static final String BATCH_ROWS_KEY = ShardFooter.BATCH_ROWS_KEY;

  /** The most bytes one mapping can hold on Java 17. */
  private static final long MAX_SEGMENT = Integer.MAX_VALUE;

  // Read by OpenShard when the file is first touched, and by BatchLoader.
  final Path path;
  final ByteSource.Opener opener;
  final DiskCache cache;
  final long expectedBytes;
  final long expectedRows;
  final BufferAllocator allocator;
  final long maxSegment;
  final Manifest.Stream stream;
  final Path indexFile;

  private volatile OpenShard state;
  private boolean closed;

  /**
   * Describes a shard without touching the file.
   *
   * @param path the file
   * @param expectedBytes the size the manifest records, or -1 to skip the check
   * @param expectedRows the rows the manifest records, or -1 to skip the check
   * @param allocator the allocator that accounts for the batches loaded from it
   */
  public ShardFile(Path path, long expectedBytes, long expectedRows, BufferAllocator allocator) {
    this(path, expectedBytes, expectedRows, allocator, (DiskCache) null);
  }

  /**
   * Describes a local shard without touching the file, whose compressed batches are kept
   * decompressed in {@code cache} if given.
   *
   * @param path the file
   * @param expectedBytes the size the manifest records, or -1 to skip the check
   * @param expectedRows the rows the manifest records, or -1 to skip the check
   * @param allocator the allocator that accounts for the batches loaded from it
   * @param cache the local disk cache, or null
   */
  public ShardFile(
      Path path,
      long expectedBytes,
      long expectedRows,
      BufferAllocator allocator,
      DiskCache cache) {
    this(
        path,
        () -> FileSource.open(path),
        cache,
        expectedBytes,
        expectedRows,
        null,
        null,
        allocator,
        MAX_SEGMENT);
  }

  /**
   * Describes a shard read from {@code opener}'s source (an object in object storage) without
   * touching it.
   *
   * @param name the name errors give, the source's
   * @param opener opens the source on the first touch
   * @param expectedBytes the size the manifest records
   * @param expectedRows the rows the manifest records
   * @param allocator the allocator that accounts for the batches loaded from it
   * @param cache the local disk cache that keeps fetched batches, or null
   */
  public ShardFile(
      Path name,
      ByteSource.Opener opener,
      long expectedBytes,
      long expectedRows,
      BufferAllocator allocator,
      DiskCache cache) {
    this(name, opener, cache, expectedBytes, expectedRows, null, null, allocator, MAX_SEGMENT);
  }

  /**
   * Describes an IPC stream shard served in place, without touching the file.
   *
   * @param path the stream file
   * @param expectedBytes the size the manifest records
   * @param expectedRows the rows the manifest records
   * @param stream where its index entry lies and the modification time it had when indexed
   * @param indexFile the dataset's index sidecar
   * @param allocator the allocator that accounts for the batches loaded from it
   */
  public ShardFile(
      Path path,
      long expectedBytes,
      long expectedRows,
      Manifest.Stream stream,
      Path indexFile,
      BufferAllocator allocator) {
    this(
        path,
        () -> FileSource.open(path),
        null,
        expectedBytes,
        expectedRows,
        Objects.requireNonNull(stream, "stream"),
        Objects.requireNonNull(indexFile, "indexFile"),
        allocator,
        MAX_SEGMENT);
  }

  /** Describes a shard whose mappings hold at most {@code maxSegment} bytes, for tests. */
  ShardFile(
      Path path,
      long expectedBytes,
      long expectedRows,
      BufferAllocator allocator,
      long maxSegment) {
    this(
        path,
        () -> FileSource.open(path),
        null,
        expectedBytes,
        expectedRows,
        null,
        null,
        allocator,
        maxSegment);
  }

  private ShardFile(
      Path path,
      ByteSource.Opener opener,
      DiskCache cache,
      long expectedBytes,
      long expectedRows,
      Manifest.Stream stream,
      Path indexFile,
      BufferAllocator allocator,
      long maxSegment) {
    this.path = path;
    this.opener = opener;
    this.cache = cache;
    this.stream = stream;
    this.indexFile = indexFile;
    this.expectedBytes = expectedBytes;
    this.expectedRows = expectedRows;
    this.allocator = allocator;
    this.maxSegment = maxSegment;
  }

  /** Returns the number of planned segments (none for a remote object), for tests. */
  int segmentCount() {
    Segments segments = state().segments;
    return segments == null ? 0 : segments.count();
  }

  /** Returns the number of segments mapped so far, for tests. */
  int mappedSegmentCount() {
    Segments segments = state().segments;
    return segments == null ? 0 : segments.mappedCount();
  }

  /** Returns the file, or for an object in object storage, the name errors give it. */
  public Path path() {
    return path;
  }

  /** Returns the schema, with dictionary-encoded fields in their in-memory (index) form. */
  public Schema schema() {
    return state().schema;
  }

  /** Returns the dictionaries of dictionary-encoded fields, owned by this shard. */
  public DictionaryProvider dictionaries() {
    return new DictionaryProvider.MapDictionaryProvider(
        state().dictionaries.values().toArray(new Dictionary[0]));
  }

  /** Returns the number of record batches. */
  public int batchCount() {
    return state().blocks.batchBlocks().size();
  }

  /** Returns the first row of every batch, followed by the shard's row count. */
  public long[] batchStarts() {
    return state().blocks.batchStarts().clone();
  }

  /** Returns the number of rows, the sum over all batches. */
  public long rows() {
    long[] starts = state().blocks.batchStarts();
    return starts[starts.length - 1];
  }

  /** Returns the index of the batch holding {@code row}, a row of this shard. */
  public int batchOf(long row) {
    return locate(state().blocks.batchStarts(), row);
  }

  /** Returns the first row of batch {@code index}. */
  public long batchStart(int index) {
    return state().blocks.batchStarts()[index];
  }

  /**
   * Returns the part holding {@code row}, given the first row of every part followed by the total:
   * the last part that starts at or before it, so that empty parts are skipped.
   */
  public static int locate(long[] starts, long row) {
    int i = Arrays.binarySearch(starts, 0, starts.length - 1, row);
    if (i < 0) {
      return -i - 2;
    }
    while (i + 1 < starts.length - 1 && starts[i + 1] == row) {
      i++;
    }
    return i;
  }

  /**
   * Loads record batch {@code index}, zero-copy unless the batch is compressed.
   *
   * @throws LazyArrowException if the file changed since it was opened or the batch is corrupt
   */
  public LoadedBatch load(int index) {
    return load(index, false);
  }

  /**
   * Loads record batch {@code index} like {@link #load(int)}, first checking its checksum if {@code
   * verifyChecksum} is set, the shard has checksums, and this batch was not checked since the shard
   * was opened.
   *
   * @throws LazyArrowException if the file changed since it was opened, or the batch is corrupt or
   *     does not match its checksum
   */
  public LoadedBatch load(int index, boolean verifyChecksum) {
    return BatchLoader.load(this, index, verifyChecksum);
  }

  /**
   * Returns whether every page of record batch {@code index}'s body is in memory (the page cache),
   * so that reading it through the mapping faults nothing from disk; asks the kernel ({@code
   * mincore}), reads nothing.
   */
  public boolean isResident(int index) {
    OpenShard s = state();
    return s.segments == null
        ? s.fetched.isCached(index)
        : s.segments.isLoaded(s.blocks.batchBlocks().get(index));
  }

  /** Returns whether the shard's writer recorded checksums; reads the footer or index. */
  public boolean hasChecksums() {
    return state().blocks.checksums() != null;
  }

  /**
   * Returns whether the bytes outside the record batches (magic, schema, dictionaries, footer) fail
   * the checksum the writer recorded over them; false for a shard without checksums. Reads only
   * those bytes.
   */
  public boolean failsChecksumOutsideBatches() {
    OpenShard s = state();
    return s.blocks.checksums() != null && s.restCrc() != s.blocks.checksums().covered();
  }

  /**
   * Checks the whole shard: every record batch's checksum and structure (by loading it), then the
   * checksum of the rest of the file. A shard without checksums has its batches loaded only.
   *
   * @throws LazyArrowException naming the file, and the batch if one is at fault
   */
  public void verify() {
    OpenShard s = state();
    for (int b = 0; b < batchCount(); b++) {
      load(b, true).root().close();
    }
    if (s.blocks.checksums() != null) {
      s.checkRest();
    }
  }

  /**
   * Returns the exception for a read that faulted on a mapped page of {@code file}: the JVM turns
   * the fault (SIGBUS) into an {@link InternalError} when the file shrank under its mapping.
   */
  public static LazyArrowException truncatedWhileMapped(Path file, InternalError e) {
    return new LazyArrowException(
        file, "file changed under the reader (truncated while mapped): " + e.getMessage(), e);
  }

  /**
   * Reads record batch {@code index} into allocator memory without mapping it, copying its bytes
   * out of the file the way Arrow's {@code ArrowFileReader} does.
   *
   * @throws LazyArrowException if the file changed since it was opened or the batch is corrupt
   */
  public LoadedBatch read(int index) {
    return BatchLoader.read(this, index);
  }

  /** Releases the file; mappings go when the last vector pointing into them is closed. */
  @Override
  public synchronized void close() {
    closed = true;
    OpenShard s = state;
    state = null;
    if (s != null) {
      s.release();
    }
  }

  OpenShard state() {
    OpenShard s = state;
    return s != null ? s : open();
  }

  private synchronized OpenShard open() {
    if (state == null) {
      if (closed) {
        throw new IllegalStateException("shard " + path + " is closed");
      }
      state = OpenShard.open(this);
    }
    return state;
  }
}
