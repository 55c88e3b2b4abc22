package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.DaemonPool;
import dev.lazyarrow.internal.bytes.HeapChannels;
import dev.lazyarrow.internal.cache.CacheEntry;
import dev.lazyarrow.internal.cache.DiskCache;
import dev.lazyarrow.internal.ipc.BlockReader;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.ipc.RecordBatches;
import dev.lazyarrow.internal.ipc.ShardFooter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Whole record batches of one shard read without mapping the shard: a remote object's, each fetched
 * with one request; a stream's served in place, each copied out with positional reads and then
 * checked against the file's size and time, so that a file truncated or rewritten under the read
 * fails it; and compressed batches kept decompressed in a {@link DiskCache}.
 *
 * <p>With a cache, a batch is read from its entry, mapped (zero-copy, like a local shard); a batch
 * not there is fetched (or decompressed from the mapping of a local shard) and written there first.
 * Without one, a batch is fetched into allocator memory. A reader that asks for the batches of a
 * shard without a mapping (remote, or a stream served in place) in order has the next {@link
 * #AHEAD} fetched on a shared pool of {@link #FETCHERS} threads while it reads (into the cache, or
 * held in allocator memory).
 */
public final class FetchedBatches implements BlockReader {
  /** Batches fetched ahead of a sequential reader, per shard. */
  static final int AHEAD = 4;

  /** Fetches in flight ahead of readers, over all shards. */
  static final int FETCHERS = 16;

  private static final ThreadPoolExecutor POOL = DaemonPool.of("lazyarrow-fetch", FETCHERS);

  private final OpenShard shard;
  private final DiskCache cache;
  private final BufferAllocator allocator;

  /** Fetches ahead by batch: with a cache, of nothing (the entry is written); else the block. */
  private final Map<Integer, Future<ArrowBuf>> ahead = new HashMap<>();

  private int next;
  private boolean released;

  FetchedBatches(OpenShard shard, DiskCache cache, BufferAllocator allocator) {
    this.shard = shard;
    this.cache = cache;
    this.allocator = allocator;
  }

  /**
   * Loads batch {@code index}: from the cache if given, else fetched; fetches ahead if in order.
   */
  LoadedBatch load(int index) {
    Future<ArrowBuf> fetched = take(index);
    // Only a shard read without a mapping gains: a mapped one's compressed batches are read there.
    if (shard.segments == null) {
      aheadOf(index);
    }
    ArrowBuf block = fetched == null ? null : await(fetched);
    if (cache == null) {
      return fromBlock(index, block != null ? block : fetch(index));
    }
    CacheEntry entry = cache.get(key(index));
    if (entry == null) {
      entry = fill(index);
    }
    try {
      ArrowBlock where = new ArrowBlock(0, (int) entry.metadataLength, entry.bodyLength);
      RecordBatch header =
          ShardFooter.recordBatch(
              entry.file, where, ShardFooter.message(entry.file, where, entry.metadata()));
      return load(index, header, entry.body(allocator), false);
    } finally {
      entry.close();
    }
  }

  /** Returns whether batch {@code index} is in the cache; reads nothing. */
  boolean isCached(int index) {
    return cache != null && cache.contains(key(index));
  }

  private String key(int index) {
    return shard.path + "\n" + shard.source.identity() + "\n" + index;
  }

  /** Starts fetching the batches after {@code index} when the reader reads in order. */
  private synchronized void aheadOf(int index) {
    boolean inOrder = index == next;
    next = index + 1;
    // Fetches the reader went past are dropped (their buffers freed when done).
    for (Iterator<Map.Entry<Integer, Future<ArrowBuf>>> it = ahead.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<Integer, Future<ArrowBuf>> e = it.next();
      if (e.getKey() < index || !inOrder) {
        it.remove();
        discard(e.getValue());
      }
    }
    if (!inOrder || released) {
      return;
    }
    int batches = shard.blocks.batchBlocks().size();
    for (int b = index + 1; b <= index + AHEAD && b < batches; b++) {
      int batch = b;
      if (!ahead.containsKey(batch) && !isCached(batch)) {
        ahead.put(
            batch,
            POOL.submit(
                () -> {
                  if (cache == null) {
                    return fetch(batch);
                  }
                  fill(batch).close();
                  return null;
                }));
      }
    }
  }

  private synchronized Future<ArrowBuf> take(int index) {
    return ahead.remove(index);
  }

  /** Waits for a fetch ahead; null if it failed, so that the reader's own fetch reports why. */
  private static ArrowBuf await(Future<ArrowBuf> fetch) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return fetch.get();
        } catch (InterruptedException e) {
          interrupted = true; // the fetch owns a buffer: it is waited for, then the flag is set
        } catch (ExecutionException e) {
          return null;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void discard(Future<ArrowBuf> fetch) {
    ArrowBuf block = await(fetch);
    if (block != null) {
      block.close();
    }
  }

  /** Fetches the whole block of batch {@code index}, metadata and body, with one request. */
  private ArrowBuf fetch(int index) {
    ArrowBlock block = shard.blocks.batchBlocks().get(index);
    long length = block.getMetadataLength() + block.getBodyLength();
    ArrowBuf bytes = allocator.buffer(length);
    try {
      shard.source.read(block.getOffset(), bytes, length);
      // A file rewritten during the read changed its time: what was read may mix two versions.
      shard.checkUnchanged();
      return bytes;
    } catch (IOException | RuntimeException e) {
      bytes.close();
      throw e instanceof LazyArrowException lae
          ? lae
          : new LazyArrowException(shard.path, "cannot read record batch " + index + ": " + e, e);
    }
  }

  /** Loads batch {@code index} from its fetched block, which it takes over. */
  private LoadedBatch fromBlock(int index, ArrowBuf bytes) {
    ArrowBlock block = shard.blocks.batchBlocks().get(index);
    ArrowBuf body;
    RecordBatch header;
    try (bytes) {
      header = header(index, block, bytes);
      body = bytes.slice(block.getMetadataLength(), block.getBodyLength());
      body.getReferenceManager().retain();
    }
    return load(index, header, body, true);
  }

  /** Loads batch {@code index} of this shard from {@code body}, which it takes over. */
  private LoadedBatch load(
      int index, RecordBatch header, ArrowBuf body, boolean inAllocatorMemory) {
    return RecordBatches.load(
        shard.path,
        shard.schema,
        shard.dictionaries,
        index,
        shard.rows(index),
        header,
        body,
        allocator,
        inAllocatorMemory);
  }

  private RecordBatch header(int index, ArrowBlock block, ArrowBuf bytes) {
    byte[] metadata = new byte[block.getMetadataLength()];
    bytes.getBytes(0, metadata);
    ByteBuffer wrapped = ByteBuffer.wrap(metadata).order(ByteOrder.LITTLE_ENDIAN);
    RecordBatch header =
        ShardFooter.recordBatch(shard.path, block, ShardFooter.message(shard.path, block, wrapped));
    RecordBatches.checkBuffers(shard.path, "record batch " + index, header, block.getBodyLength());
    return header;
  }

  /**
   * Writes the entry of batch {@code index}: its fetched block as it is, or if compressed, the
   * batch decompressed (from the fetched block or the shard's mapping) and written again.
   */
  private CacheEntry fill(int index) {
    ArrowBlock block = shard.blocks.batchBlocks().get(index);
    ArrowBuf body;
    RecordBatch header;
    if (shard.segments != null) {
      Message message = shard.segments.message(block);
      header = ShardFooter.recordBatch(shard.path, block, message);
      body = shard.segments.body(allocator, block);
    } else {
      ArrowBuf bytes = fetch(index);
      try (bytes) {
        header = header(index, block, bytes);
        if (!compressed(header)) {
          return cache.put(
              key(index),
              out -> {
                HeapChannels.writing(out).write(bytes);
                return new long[] {block.getMetadataLength(), block.getBodyLength()};
              });
        }
        body = bytes.slice(block.getMetadataLength(), block.getBodyLength());
        body.getReferenceManager().retain();
      }
    }
    LoadedBatch decompressed = load(index, header, body, true);
    try (VectorSchemaRoot root = decompressed.root()) {
      return cache.put(
          key(index),
          out -> {
            WriteChannel channel = HeapChannels.writing(out);
            try (ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch()) {
              ArrowBlock written = MessageSerializer.serialize(channel, batch, IpcOption.DEFAULT);
              return new long[] {written.getMetadataLength(), written.getBodyLength()};
            }
          });
    }
  }

  /** Fetches the message of {@code block} (a dictionary's) with one request. */
  @Override
  public Message message(ArrowBlock block) {
    try {
      return ShardFooter.message(
          shard.path,
          block,
          ShardFooter.readFully(
              shard.source::readFully, block.getOffset(), block.getMetadataLength()));
    } catch (IOException e) {
      throw new LazyArrowException(shard.path, "cannot read block at " + block.getOffset(), e);
    }
  }

  /** Fetches the body of {@code block} (a dictionary's) with one request. */
  @Override
  public ArrowBuf body(BufferAllocator allocator, ArrowBlock block) {
    ArrowBuf body = allocator.buffer(block.getBodyLength());
    try {
      shard.source.read(block.getOffset() + block.getMetadataLength(), body, block.getBodyLength());
      return body;
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e instanceof LazyArrowException lae
          ? lae
          : new LazyArrowException(shard.path, "cannot read block at " + block.getOffset(), e);
    }
  }

  static boolean compressed(RecordBatch header) {
    return header.compression() != null
        && header.compression().codec() != NoCompressionCodec.COMPRESSION_TYPE;
  }

  /** Waits for the fetches ahead and frees what they fetched. */
  void release() {
    Map<Integer, Future<ArrowBuf>> left;
    synchronized (this) {
      released = true;
      left = new HashMap<>(ahead);
      ahead.clear();
    }
    left.values().forEach(FetchedBatches::discard);
  }
}
