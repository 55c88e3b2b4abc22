package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.ipc.RecordBatches;
import dev.lazyarrow.internal.ipc.ShardFooter;
import java.io.IOException;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * The loader of a {@link ShardFile}'s record batches: zero-copy from its mapping, fetched whole
 * where the shard has no mapping or a compressed batch is kept decompressed, or copied out of the
 * file with a positional read.
 */
final class BatchLoader {
  private BatchLoader() {}

  /**
   * Loads record batch {@code index} of {@code shard}; see {@link ShardFile#load(int, boolean)}.
   */
  static LoadedBatch load(ShardFile shard, int index, boolean verifyChecksum) {
    OpenShard s = shard.state();
    // A batch read without a mapping is checked after its read, which also catches a rewrite.
    if (s.segments != null) {
      s.checkUnchanged();
    }
    try {
      if (verifyChecksum && s.blocks.checksums() != null) {
        s.checkBatchOnce(index);
      }
      return load(shard, s, index);
    } catch (InternalError e) {
      throw ShardFile.truncatedWhileMapped(shard.path, e);
    }
  }

  private static LoadedBatch load(ShardFile shard, OpenShard s, int index) {
    if (s.segments == null) {
      return s.fetched.load(index);
    }
    ArrowBlock block = s.blocks.batchBlocks().get(index);
    RecordBatch header = ShardFooter.recordBatch(shard.path, block, s.segments.message(block));
    if (s.fetched != null && FetchedBatches.compressed(header)) {
      return s.fetched.load(index);
    }
    return RecordBatches.load(
        shard.path,
        s.schema,
        s.dictionaries,
        index,
        s.rows(index),
        header,
        s.segments.body(shard.allocator, block),
        shard.allocator,
        false);
  }

  /**
   * Copies record batch {@code index} of {@code shard} out of the file; see {@link ShardFile#read}.
   */
  static LoadedBatch read(ShardFile shard, int index) {
    OpenShard s = shard.state();
    s.checkUnchanged();
    ArrowBlock block = s.blocks.batchBlocks().get(index);
    ArrowBuf body = null;
    try {
      RecordBatch header = s.header(index);
      body = shard.allocator.buffer(block.getBodyLength());
      s.source.read(block.getOffset() + block.getMetadataLength(), body, block.getBodyLength());
      return RecordBatches.load(
          shard.path,
          s.schema,
          s.dictionaries,
          index,
          s.rows(index),
          header,
          body,
          shard.allocator,
          true);
    } catch (IOException e) {
      if (body != null) {
        body.close();
      }
      throw new LazyArrowException(shard.path, "cannot read record batch " + index + ": " + e, e);
    }
  }
}
