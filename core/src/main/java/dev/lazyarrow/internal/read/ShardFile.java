package dev.lazyarrow.internal.read;

import dev.lazyarrow.internal.ipc.LoadedBatch;

import dev.lazyarrow.spi.ByteSource;

import dev.lazyarrow.internal.ipc.BlockTable;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.bytes.FileSource;
import dev.lazyarrow.internal.ipc.RecordBatches;
import dev.lazyarrow.internal.read.Segments;
import dev.lazyarrow.internal.ipc.ShardFooter;
import dev.lazyarrow.internal.ipc.StreamIndex;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
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

  // Read by OpenShard when the file is first touched.
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
        java.util.Objects.requireNonNull(stream, "stream"),
        java.util.Objects.requireNonNull(indexFile, "indexFile"),
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
    OpenShard s = state();
    s.checkUnchanged();
    try {
      if (verifyChecksum && s.blocks.checksums() != null) {
        s.checkBatchOnce(index);
      }
      return load(s, index);
    } catch (InternalError e) {
      throw truncatedWhileMapped(path, e);
    }
  }

  /** Rows {@code rows} (ascending, distinct, local to the batch) of record batch {@code batch}. */
  public record RowRequest(ShardFile shard, int batch, int[] rows) {}

  /**
   * Rows read by {@link #readRows}: a small record batch in allocator memory, owned by the caller,
   * whose row {@code i} is row {@code rows[i]} of the record batch in the file.
   */
  public record RowsRead(LoadedBatch batch, int[] rows) {}

  /**
   * Reads the rows of each request with positional reads, many in flight, never through the
   * mapping: the batch's metadata (kept, bounded, for the next read), then the rows' validity,
   * offsets and values of the columns at {@code columns} (schema positions) only, the values byte
   * for byte as in the file. Other columns come back as empty vectors. A compressed batch's
   * selected buffers are read whole and decompressed, and it comes back with every row. What is
   * read is validated like a loaded batch.
   *
   * @throws IllegalArgumentException if a request's rows are not ascending and inside its batch
   * @throws LazyArrowException naming the file if it changed since it was opened or what was read
   *     is corrupt; nothing read stays allocated
   */
  public static List<RowsRead> readRows(List<RowRequest> requests, int[] columns) {
    return RangeReads.read(requests, columns);
  }

  /**
   * Reads what {@link #readRows} would, and keeps none of it: the bytes land in the page cache,
   * where reading the rows afterwards finds them. Not validated beyond what sizes the reads.
   * Requests of remote objects are skipped: no page cache would keep what they fetched.
   *
   * @throws IllegalArgumentException if a request's rows are not ascending and inside its batch
   * @throws LazyArrowException naming the file if it changed or what was read is corrupt
   */
  public static void readRowsAhead(List<RowRequest> requests, int[] columns) {
    RangeReads.readAhead(
        requests.stream().filter(r -> r.shard().state().channel != null).toList(), columns);
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

  private LoadedBatch load(OpenShard s, int index) {
    if (s.segments == null) {
      return s.fetched.load(index);
    }
    ArrowBlock block = s.blocks.batchBlocks().get(index);
    RecordBatch header = ShardFooter.recordBatch(path, block, s.segments.message(block));
    if (s.fetched != null && FetchedBatches.compressed(header)) {
      return s.fetched.load(index);
    }
    return RecordBatches.load(
        path,
        s.schema,
        s.dictionaries,
        index,
        s.rows(index),
        header,
        s.segments.body(allocator, block),
        allocator,
        false);
  }

  /**
   * Reads record batch {@code index} into allocator memory without mapping it, copying its bytes
   * out of the file the way Arrow's {@code ArrowFileReader} does.
   *
   * @throws LazyArrowException if the file changed since it was opened or the batch is corrupt
   */
  public LoadedBatch read(int index) {
    OpenShard s = state();
    s.checkUnchanged();
    ArrowBlock block = s.blocks.batchBlocks().get(index);
    ArrowBuf body = null;
    try {
      RecordBatch header = s.header(index);
      body = allocator.buffer(block.getBodyLength());
      s.source.read(block.getOffset() + block.getMetadataLength(), body, block.getBodyLength());
      return RecordBatches.load(
          path, s.schema, s.dictionaries, index, s.rows(index), header, body, allocator, true);
    } catch (IOException e) {
      if (body != null) {
        body.close();
      }
      throw new LazyArrowException(path, "cannot read record batch " + index + ": " + e, e);
    }
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
