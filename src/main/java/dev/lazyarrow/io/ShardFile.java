package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;
import org.apache.arrow.vector.util.VectorBatchAppender;

/**
 * One Arrow IPC file shard, opened on first touch and read zero-copy from memory-mapped segments.
 *
 * <p>Nothing is read when the object is made. The first call that needs the file opens it, checks its
 * size against the manifest, reads and checks the footer (see {@link ShardFooter}) and loads its
 * dictionaries. A record batch is loaded with {@link #load}: its body stays in the mapping, wrapped as
 * a foreign Arrow allocation, so the vectors point into the file. The file is mapped in segments of
 * at most 2 GiB (the most one mapping can hold) whose bounds fall between batches, each mapped once
 * on the first touch of a batch inside it and unmapped when the shard is closed and no vector points
 * into it any more. Compressed batches are decompressed into allocator memory on load.
 *
 * <p>Thread-safe: any number of threads may load batches at once.
 */
public final class ShardFile implements AutoCloseable {
  /**
   * The footer metadata key under which LazyArrow's writer lists each batch's row count, decimal and
   * comma-separated, so that a reader needs nothing but the footer to index a shard.
   */
  public static final String BATCH_ROWS_KEY = ShardFooter.BATCH_ROWS_KEY;

  /** The most bytes one mapping can hold on Java 17. */
  private static final long MAX_SEGMENT = Integer.MAX_VALUE;
  private static final CompressionCodec.Factory CODECS = CommonsCompressionFactory.INSTANCE;

  private final Path path;
  private final long expectedBytes;
  private final long expectedRows;
  private final BufferAllocator allocator;
  private final long maxSegment;

  private volatile State state;
  private boolean closed;

  /** What first touch found; immutable but for the lazily mapped segments. */
  private static final class State {
    FileChannel channel;
    long size;
    FileTime modified;
    ShardFooter footer;
    Schema schema;
    Map<Long, Dictionary> dictionaries;
    long[] segmentStarts;
    long[] segmentEnds;
    int[] segmentOfBatch;
    Segment[] segments;
  }

  /**
   * Describes a shard without touching the file.
   *
   * @param path the file
   * @param expectedBytes the size the manifest records, or -1 to skip the check
   * @param expectedRows the rows the manifest records, or -1 to skip the check
   * @param allocator the allocator that accounts for the batches loaded from it
   */
  public ShardFile(Path path, long expectedBytes, long expectedRows, BufferAllocator allocator) {
    this(path, expectedBytes, expectedRows, allocator, MAX_SEGMENT);
  }

  /** Describes a shard whose mappings hold at most {@code maxSegment} bytes, for tests. */
  ShardFile(Path path, long expectedBytes, long expectedRows, BufferAllocator allocator,
      long maxSegment) {
    this.path = path;
    this.expectedBytes = expectedBytes;
    this.expectedRows = expectedRows;
    this.allocator = allocator;
    this.maxSegment = maxSegment;
  }

  /** Returns the number of planned segments, for tests. */
  int segmentCount() {
    return state().segments.length;
  }

  /** Returns the number of segments mapped so far, for tests. */
  int mappedSegmentCount() {
    return (int) Arrays.stream(state().segments).filter(java.util.Objects::nonNull).count();
  }

  /** Returns the file. */
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
    return state().footer.batchBlocks.size();
  }

  /** Returns the first row of every batch, followed by the shard's row count. */
  public long[] batchStarts() {
    return state().footer.batchStarts.clone();
  }

  /** Returns the number of rows, the sum over all batches. */
  public long rows() {
    long[] starts = state().footer.batchStarts;
    return starts[starts.length - 1];
  }

  /** Returns the index of the batch holding {@code row}, a row of this shard. */
  public int batchOf(long row) {
    return locate(state().footer.batchStarts, row);
  }

  /** Returns the first row of batch {@code index}. */
  public long batchStart(int index) {
    return state().footer.batchStarts[index];
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
   * A loaded record batch: its root, owned by the caller, and whether it was decompressed into
   * allocator memory rather than left in the mapping.
   */
  public record LoadedBatch(VectorSchemaRoot root, boolean decompressed) {}

  /**
   * Loads record batch {@code index}, zero-copy unless the batch is compressed.
   *
   * @throws LazyArrowException if the file changed since it was opened or the batch is corrupt
   */
  public LoadedBatch load(int index) {
    State s = state();
    checkUnchanged(s);
    ArrowBlock block = s.footer.batchBlocks.get(index);
    Segment segment = segment(s, s.segmentOfBatch[index]);
    Message message = ShardFooter.message(path, block,
        segment.slice(block.getOffset(), block.getMetadataLength()));
    org.apache.arrow.flatbuf.RecordBatch header = ShardFooter.recordBatch(path, block, message);
    long expected = s.footer.batchStarts[index + 1] - s.footer.batchStarts[index];
    if (header.length() != expected) {
      throw new LazyArrowException(path, "record batch " + index + " holds " + header.length()
          + " rows, the footer says " + expected);
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(s.schema, allocator);
    try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(header, body(segment, block))) {
      new VectorLoader(root, CODECS).load(batch);
      return new LoadedBatch(root, header.compression() != null);
    } catch (IOException | RuntimeException e) {
      root.close();
      throw new LazyArrowException(path, "corrupt record batch " + index + ": " + e, e);
    }
  }

  /** Releases the file; mappings go when the last vector pointing into them is closed. */
  @Override
  public synchronized void close() {
    closed = true;
    State s = state;
    state = null;
    if (s != null) {
      release(s);
    }
  }

  private State state() {
    State s = state;
    return s != null ? s : open();
  }

  private synchronized State open() {
    if (state != null) {
      return state;
    }
    if (closed) {
      throw new IllegalStateException("shard " + path + " is closed");
    }
    State s = new State();
    try {
      s.channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(path, "shard file is missing");
    } catch (IOException e) {
      throw new LazyArrowException(path, "cannot open shard: " + e.getMessage(), e);
    }
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      s.size = attributes.size();
      s.modified = attributes.lastModifiedTime();
      if (expectedBytes >= 0 && s.size != expectedBytes) {
        throw new LazyArrowException(path, "file is " + s.size + " bytes, the manifest says "
            + expectedBytes + " (truncated or replaced?)");
      }
      s.footer = ShardFooter.read(path, s.channel, s.size);
      long rows = s.footer.batchStarts[s.footer.batchStarts.length - 1];
      if (expectedRows >= 0 && rows != expectedRows) {
        throw new LazyArrowException(path, "file holds " + rows + " rows, the manifest says "
            + expectedRows);
      }
      planSegments(s);
      loadDictionaries(s);
    } catch (IOException | RuntimeException e) {
      release(s);
      throw e instanceof LazyArrowException lae ? lae
          : new LazyArrowException(path, "cannot read shard: " + e, e);
    }
    state = s;
    return s;
  }

  /** Groups the blocks, in file order, into runs of at most 2 GiB: the future mappings. */
  private void planSegments(State s) {
    List<ArrowBlock> all = new ArrayList<>(s.footer.dictionaryBlocks);
    all.addAll(s.footer.batchBlocks);
    all.sort((a, b) -> Long.compare(a.getOffset(), b.getOffset()));
    List<long[]> runs = new ArrayList<>();
    for (ArrowBlock b : all) {
      long start = b.getOffset();
      long end = start + b.getMetadataLength() + b.getBodyLength();
      if (end - start > maxSegment) {
        throw new LazyArrowException(path, "a block at offset " + start + " spans " + (end - start)
            + " bytes, more than one mapping holds (" + maxSegment + ")");
      }
      long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last == null || end - last[0] > maxSegment) {
        runs.add(new long[] {start, end});
      } else {
        last[1] = Math.max(last[1], end);
      }
    }
    s.segmentStarts = runs.stream().mapToLong(r -> r[0]).toArray();
    s.segmentEnds = runs.stream().mapToLong(r -> r[1]).toArray();
    s.segments = new Segment[runs.size()];
    s.segmentOfBatch = s.footer.batchBlocks.stream().mapToInt(b -> segmentIndex(s, b)).toArray();
  }

  private static int segmentIndex(State s, ArrowBlock block) {
    int i = Arrays.binarySearch(s.segmentStarts, block.getOffset());
    return i >= 0 ? i : -i - 2;
  }

  private Segment segment(State s, int index) {
    Segment segment = s.segments[index];
    if (segment != null) {
      return segment;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("shard " + path + " is closed");
      }
      if (s.segments[index] == null) {
        long start = s.segmentStarts[index];
        try {
          s.segments[index] = new Segment(start,
              s.channel.map(FileChannel.MapMode.READ_ONLY, start, s.segmentEnds[index] - start));
        } catch (IOException e) {
          throw new LazyArrowException(path, "cannot map bytes " + start + ".."
              + s.segmentEnds[index] + ": " + e.getMessage(), e);
        }
      }
      return s.segments[index];
    }
  }

  /** Wraps a block's body, inside {@code segment}, as an Arrow buffer that holds the segment. */
  private ArrowBuf body(Segment segment, ArrowBlock block) {
    long offset = block.getOffset() + block.getMetadataLength();
    segment.retain();
    return allocator.wrapForeignAllocation(
        new ForeignAllocation(block.getBodyLength(), segment.addressOf(offset)) {
          @Override
          protected void release0() {
            segment.release();
          }
        });
  }

  private void loadDictionaries(State s) throws IOException {
    s.dictionaries = new HashMap<>();
    Schema fileSchema = s.footer.footer.getSchema();
    List<Field> fields = new ArrayList<>();
    for (Field field : fileSchema.getFields()) {
      fields.add(DictionaryUtility.toMemoryFormat(field, allocator, s.dictionaries));
    }
    s.schema = new Schema(fields, fileSchema.getCustomMetadata());
    for (ArrowBlock block : s.footer.dictionaryBlocks) {
      Segment segment = segment(s, segmentIndex(s, block));
      Message message = ShardFooter.message(path, block,
          segment.slice(block.getOffset(), block.getMetadataLength()));
      if (message.headerType() != MessageHeader.DictionaryBatch) {
        throw new LazyArrowException(path, "block at offset " + block.getOffset()
            + " is not a dictionary batch");
      }
      DictionaryBatch header = (DictionaryBatch) message.header(new DictionaryBatch());
      Dictionary dictionary = s.dictionaries.get(header.id());
      if (dictionary == null) {
        throw new LazyArrowException(path, "dictionary " + header.id() + " is not in the schema");
      }
      try (ArrowRecordBatch data =
          MessageSerializer.deserializeRecordBatch(header.data(), body(segment, block))) {
        FieldVector target = dictionary.getVector();
        if (header.isDelta()) {
          try (FieldVector delta = target.getField().createVector(allocator)) {
            loadInto(delta, data);
            VectorBatchAppender.batchAppend(target, delta);
          }
        } else {
          loadInto(target, data);
        }
      }
    }
  }

  private static void loadInto(FieldVector vector, ArrowRecordBatch data) {
    VectorSchemaRoot root = new VectorSchemaRoot(Collections.singletonList(vector.getField()),
        Collections.singletonList(vector), 0);
    new VectorLoader(root, CODECS).load(data);
  }

  private void checkUnchanged(State s) {
    try {
      BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
      if (now.size() != s.size || !now.lastModifiedTime().equals(s.modified)) {
        throw new LazyArrowException(path, "file changed under the reader: it was " + s.size
            + " bytes modified " + s.modified + ", it is " + now.size() + " bytes modified "
            + now.lastModifiedTime());
      }
    } catch (IOException e) {
      throw new LazyArrowException(path, "file vanished under the reader: " + e, e);
    }
  }

  private static void release(State s) {
    if (s.dictionaries != null) {
      s.dictionaries.values().forEach(d -> d.getVector().close());
    }
    if (s.segments != null) {
      for (Segment segment : s.segments) {
        if (segment != null) {
          segment.release();
        }
      }
    }
    try {
      s.channel.close();
    } catch (IOException ignored) {
      // A read-only channel has nothing to flush: its close cannot lose data worth reporting.
    }
  }
}
