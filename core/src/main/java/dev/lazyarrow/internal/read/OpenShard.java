package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.FileSource;
import dev.lazyarrow.internal.cache.HeaderCache;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.BlockTable;
import dev.lazyarrow.internal.ipc.Checksums;
import dev.lazyarrow.internal.ipc.RecordBatches;
import dev.lazyarrow.internal.ipc.ShardDictionaries;
import dev.lazyarrow.internal.ipc.ShardFooter;
import dev.lazyarrow.internal.ipc.StreamIndex;
import dev.lazyarrow.spi.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What the first touch of a {@link ShardFile} found: its channel, size and time, blocks, schema,
 * dictionaries and mappings, all checked against the file and the manifest. Immutable but for the
 * lazily mapped segments and the batches whose checksum was checked.
 */
public final class OpenShard {
  /**
   * The most bytes of record batch metadata kept per shard for range reads: a batch's is a few
   * hundred bytes, so this holds thousands.
   */
  static final long HEADER_BYTES = 1 << 20;

  final Path path;
  final ByteSource source;

  /** The local file's channel, or null for a remote object. */
  final FileChannel channel;

  final Map<Long, Dictionary> dictionaries = new HashMap<>();
  private final BitSet verified = new BitSet();
  private final HeaderCache headers = new HeaderCache(HEADER_BYTES);
  BlockTable blocks;
  Schema schema;

  /**
   * The mappings of a shard LazyArrow wrote, or null for a remote object or a stream served in
   * place, whose batches are read whole into allocator memory.
   */
  Segments segments;

  /** Batches read whole without a mapping (remote, in place, or through a disk cache), or null. */
  FetchedBatches fetched;

  private OpenShard(ByteSource source) {
    this.path = source.name();
    this.source = source;
    this.channel = source.channel();
  }

  /**
   * Opens {@code shard}: a regular file of the bytes and rows it expects (unless -1), its blocks
   * located by its footer, or by its index file if it is a stream served in place.
   */
  static OpenShard open(ShardFile shard) {
    Path path = shard.path;
    long expectedBytes = shard.expectedBytes;
    Manifest.Stream stream = shard.stream;
    OpenShard s;
    try {
      s = new OpenShard(shard.opener.open());
    } catch (IOException e) {
      throw new LazyArrowException(path, "cannot open shard: " + e.getMessage(), e);
    }
    try {
      long size = s.source.size();
      if (stream != null) {
        FileSource file = (FileSource) s.source;
        s.blocks =
            StreamIndex.read(
                path, s.channel, size, file.modified, expectedBytes, stream, shard.indexFile);
      } else if (expectedBytes >= 0 && size != expectedBytes) {
        throw new LazyArrowException(
            path,
            (s.channel == null ? "object is " : "file is ")
                + size
                + " bytes, the manifest says "
                + expectedBytes
                + " (truncated or replaced?)");
      } else {
        s.blocks = ShardFooter.read(path, s.source::readFully, size, s.channel != null);
      }
      long[] starts = s.blocks.batchStarts();
      long rows = starts[starts.length - 1];
      if (shard.expectedRows >= 0 && rows != shard.expectedRows) {
        throw new LazyArrowException(
            path, "file holds " + rows + " rows, the manifest says " + shard.expectedRows);
      }
      List<ArrowBlock> blocks = new ArrayList<>(s.blocks.dictionaryBlocks());
      blocks.addAll(s.blocks.batchBlocks());
      // A stream served in place is a file LazyArrow did not write, which its owner may truncate or
      // rewrite under a read: a fault on a mapping of it can kill the JVM, so it is never mapped.
      boolean mapped = s.channel != null && stream == null;
      s.segments = mapped ? Segments.plan(path, s.channel, blocks, shard.maxSegment) : null;
      if (!mapped || shard.cache != null) {
        s.fetched = new FetchedBatches(s, shard.cache, shard.allocator);
      }
      s.schema =
          ShardDictionaries.load(
              path,
              s.blocks.schema(),
              s.blocks.dictionaryBlocks(),
              s.segments != null ? s.segments : s.fetched,
              shard.allocator,
              s.dictionaries);
      // A schema Arrow cannot make vectors for (a list without its child) fails here, not on load.
      VectorSchemaRoot.create(s.schema, shard.allocator).close();
      return s;
    } catch (IOException | RuntimeException e) {
      s.release();
      throw e instanceof LazyArrowException lae
          ? lae
          : new LazyArrowException(path, "cannot read shard: " + e, e);
    }
  }

  /** Returns the rows of batch {@code batch}. */
  long rows(int batch) {
    long[] starts = blocks.batchStarts();
    return starts[batch + 1] - starts[batch];
  }

  /** Returns the metadata of record batch {@code index} if it is kept, else null; reads nothing. */
  RecordBatch keptHeader(int index) {
    return headers.get(index);
  }

  /**
   * Returns the metadata of record batch {@code index}, read with one positional read (never
   * through the mapping, whose page faults read around) and kept while the bound allows, checked:
   * its buffers inside its body, its rows those the footer says.
   */
  RecordBatch header(int index) {
    RecordBatch cached = keptHeader(index);
    if (cached != null) {
      return cached;
    }
    ArrowBlock block = blocks.batchBlocks().get(index);
    RecordBatch header;
    try {
      header =
          ShardFooter.recordBatch(
              path,
              block,
              ShardFooter.message(
                  path,
                  block,
                  ShardFooter.readFully(
                      source::readFully, block.getOffset(), block.getMetadataLength())));
    } catch (IOException e) {
      throw new LazyArrowException(path, "cannot read record batch " + index + ": " + e, e);
    }
    RecordBatches.checkBuffers(path, "record batch " + index, header, block.getBodyLength());
    if (header.length() != rows(index)) {
      throw new LazyArrowException(
          path,
          "record batch "
              + index
              + " holds "
              + header.length()
              + " rows, the footer says "
              + rows(index));
    }
    headers.put(index, header);
    return header;
  }

  /** Checks that the file is unchanged since opened, where a look can tell; see ByteSource. */
  void checkUnchanged() {
    source.checkUnchanged();
  }

  /** Checks batch {@code index} against its recorded checksum, once per opening. */
  void checkBatchOnce(int index) {
    synchronized (verified) {
      if (verified.get(index)) {
        return;
      }
      ArrowBlock block = blocks.batchBlocks().get(index);
      int crc = Checksums.crc(blockBytes(block));
      int recorded = blocks.checksums().batches()[index];
      if (crc != recorded) {
        throw new LazyArrowException(
            path,
            String.format(
                "record batch %d does not match its checksum: %08x, recorded %08x",
                index, crc, recorded));
      }
      verified.set(index);
    }
  }

  /** Checks the bytes outside the record batches against their recorded checksum. */
  void checkRest() {
    int crc = restCrc();
    if (crc != blocks.checksums().covered()) {
      throw new LazyArrowException(
          path,
          String.format(
              "the bytes outside the record batches (magic, schema, footer) do not match their"
                  + " checksum: %08x, recorded %08x",
              crc, blocks.checksums().covered()));
    }
  }

  /** Returns the checksum of the bytes outside the record batches, as read now. */
  int restCrc() {
    try {
      return Checksums.crc(source::readFully, 0, blocks.checksums().coveredBytes());
    } catch (IOException e) {
      throw new LazyArrowException(path, "cannot read shard: " + e.getMessage(), e);
    }
  }

  /** Returns the whole of {@code block}, metadata and body: a view of the mapping, or read. */
  ByteBuffer blockBytes(ArrowBlock block) {
    if (segments != null) {
      return segments.bytes(block);
    }
    try {
      return ShardFooter.readFully(
          source::readFully,
          block.getOffset(),
          Math.toIntExact(block.getMetadataLength() + block.getBodyLength()));
    } catch (IOException | ArithmeticException e) {
      throw new LazyArrowException(path, "cannot read block at " + block.getOffset() + ": " + e, e);
    }
  }

  /** Frees the dictionaries, drops the hold on the mappings and closes the file. */
  void release() {
    if (fetched != null) {
      fetched.release();
    }
    dictionaries.values().forEach(d -> d.getVector().close());
    if (segments != null) {
      segments.release();
    }
    source.close();
  }
}
