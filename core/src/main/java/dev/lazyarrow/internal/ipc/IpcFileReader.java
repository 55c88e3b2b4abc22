package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.HeapChannels;
import dev.lazyarrow.internal.bytes.Memory;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A sequential reader of an Arrow IPC file, batch after batch in footer order, that needs no JVM
 * flag, unlike Arrow's {@code ArrowFileReader}, which views each message through reflection (see
 * {@link HeapChannels}); bodies are copied out of a transient mapping ({@link Memory}). It reads
 * the footer as a shard's is read and checked ({@link ShardFooter}), so a file whose stream section
 * lacks the schema message (as polars writes it) reads too.
 */
public final class IpcFileReader extends ArrowReader {
  /** A check of each record batch's header, run before its body is read. */
  public interface HeaderCheck {
    /**
     * Checks {@code header}, the record batch at file offset {@code offset} of a file of {@code
     * schema}, throwing if it must not be loaded.
     */
    void check(Schema schema, long offset, RecordBatch header);
  }

  private final Path file;
  private final FileChannel channel;
  private final HeaderCheck headerCheck;
  private BlockTable blocks;
  private int next;
  private long bytesRead;

  private IpcFileReader(
      Path file, FileChannel channel, BufferAllocator allocator, HeaderCheck headerCheck) {
    super(allocator, Codecs.INSTANCE);
    this.file = file;
    this.channel = channel;
    this.headerCheck = headerCheck;
  }

  /**
   * Opens {@code file}, an Arrow IPC file, whose record batch headers must pass {@code
   * headerCheck}.
   *
   * @throws LazyArrowException if its footer is missing or corrupt
   */
  public static IpcFileReader open(Path file, BufferAllocator allocator, HeaderCheck headerCheck)
      throws IOException {
    FileChannel channel = SafeFiles.openRegular(file);
    try {
      IpcFileReader reader = new IpcFileReader(file, channel, allocator, headerCheck);
      reader.getVectorSchemaRoot(); // reads the footer and the dictionaries now
      return reader;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  protected Schema readSchema() throws IOException {
    blocks = ShardFooter.read(file, channel, channel.size());
    return blocks.schema();
  }

  @Override
  protected void initialize() throws IOException {
    super.initialize();
    for (ArrowBlock block : blocks.dictionaryBlocks()) {
      Message message = metadata(block);
      if (message.headerType() != MessageHeader.DictionaryBatch) {
        throw new LazyArrowException(
            file, "block at offset " + block.getOffset() + " is not a dictionary batch");
      }
      ArrowBuf body = body(block);
      try {
        loadDictionary(MessageSerializer.deserializeDictionaryBatch(message, body));
      } catch (IOException | RuntimeException e) {
        throw corrupt(block, body, e);
      }
    }
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    prepareLoadNextBatch();
    if (next == blocks.batchBlocks().size()) {
      return false;
    }
    ArrowBlock block = blocks.batchBlocks().get(next++);
    RecordBatch header = ShardFooter.recordBatch(file, block, metadata(block));
    headerCheck.check(blocks.schema(), block.getOffset(), header);
    ArrowBuf body = body(block);
    try {
      loadRecordBatch(MessageSerializer.deserializeRecordBatch(header, body));
    } catch (IOException | RuntimeException e) {
      throw corrupt(block, body, e);
    }
    return true;
  }

  /** Frees a body that Arrow refused before taking it over, and says which block was bad. */
  private LazyArrowException corrupt(ArrowBlock block, ArrowBuf body, Exception e) {
    if (body.refCnt() > 0) {
      body.close();
    }
    return new LazyArrowException(
        file, "corrupt block at offset " + block.getOffset() + ": " + e, e);
  }

  private Message metadata(ArrowBlock block) throws IOException {
    bytesRead += block.getMetadataLength();
    return ShardFooter.message(
        file, block, ShardFooter.readFully(channel, block.getOffset(), block.getMetadataLength()));
  }

  /** Reads a block's body into a buffer that the batch made of it owns. */
  private ArrowBuf body(ArrowBlock block) throws IOException {
    ArrowBuf body = allocator.buffer(block.getBodyLength());
    try {
      Memory.copyFromFile(
          channel, block.getOffset() + block.getMetadataLength(), body, block.getBodyLength());
      bytesRead += block.getBodyLength();
      return body;
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  protected void closeReadSource() throws IOException {
    channel.close();
  }
}
