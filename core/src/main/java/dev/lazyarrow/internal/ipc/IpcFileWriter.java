package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.internal.bytes.HeapChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A writer of Arrow IPC files (no dictionaries) with LazyArrow's checksums, that needs no JVM flag,
 * unlike Arrow's {@code ArrowFileWriter}, whose channel views every buffer through reflection (see
 * {@link HeapChannels}).
 *
 * <p>The file it writes, in order: the magic {@code ARROW1} padded to 8 bytes; the schema message;
 * one message per record batch; the end-of-stream marker (continuation token, length 0); the footer
 * flatbuffer (schema, record batch blocks, custom metadata with each batch's CRC32C under {@link
 * Checksums#BATCH_KEY}); the checksum trailer (the CRC32C of every byte before it, then {@link
 * Checksums#TRAILER_MAGIC}); the int32 little-endian length of footer and trailer; {@code ARROW1}
 * again. Readers that do not know the trailer (pyarrow) read the footer flatbuffer and ignore it.
 * The format is documented beside its reader, {@link ShardFooter}.
 *
 * <p>Each checksum is computed from the bytes as they are written, so nothing is read back.
 */
public final class IpcFileWriter implements AutoCloseable {
  private static final byte[] MAGIC = Framing.MAGIC;

  private final Summing summing;
  private final WriteChannel out;
  private final Schema schema;
  private final VectorUnloader unloader;
  private final Map<String, String> footerMetadata;
  private final List<ArrowBlock> blocks = new ArrayList<>();
  private final List<Integer> crcs = new ArrayList<>();
  private boolean started;
  private boolean ended;

  /**
   * Creates a writer of the batches loaded in {@code root} into {@code channel}, open for writing
   * at position 0, compressed with {@code codec}, whose footer carries {@code footerMetadata} as it
   * is when {@link #end} is called.
   */
  public IpcFileWriter(
      VectorSchemaRoot root,
      WritableByteChannel channel,
      Map<String, String> footerMetadata,
      CompressionCodec codec) {
    this.summing = new Summing(channel);
    this.out = HeapChannels.writing(summing);
    this.schema = root.getSchema();
    this.unloader = new VectorUnloader(root, true, codec, true);
    this.footerMetadata = footerMetadata;
  }

  /** Writes the magic and the schema, if not written yet. */
  public void start() throws IOException {
    if (!started) {
      started = true;
      out.write(MAGIC);
      out.align();
      MessageSerializer.serialize(out, schema, IpcOption.DEFAULT);
    }
  }

  /** Writes the record batch currently loaded in the root. */
  public void writeBatch() throws IOException {
    start();
    try (ArrowRecordBatch batch = unloader.getRecordBatch()) {
      summing.batch.reset();
      blocks.add(MessageSerializer.serialize(out, batch, IpcOption.DEFAULT));
      crcs.add((int) summing.batch.getValue());
    }
  }

  /**
   * Writes the end-of-stream marker, the footer, the checksum trailer and the closing magic, if not
   * written yet.
   */
  public void end() throws IOException {
    start();
    if (ended) {
      return;
    }
    ended = true;
    footerMetadata.put(
        Checksums.BATCH_KEY, Checksums.format(crcs.stream().mapToInt(i -> i).toArray()));
    out.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN);
    out.writeIntLittleEndian(0);
    long footerStart = out.getCurrentPosition();
    out.write(
        new ArrowFooter(
            schema, List.of(), blocks, footerMetadata, IpcOption.DEFAULT.metadataVersion),
        false);
    out.writeIntLittleEndian((int) summing.all.getValue());
    out.write(Checksums.TRAILER_MAGIC.getBytes(StandardCharsets.US_ASCII));
    out.writeIntLittleEndian((int) (out.getCurrentPosition() - footerStart));
    out.write(MAGIC);
  }

  /** Closes the channel; a file not ended has no footer. */
  @Override
  public void close() throws IOException {
    out.close();
  }

  /**
   * A channel that passes writes on to the file and sums them: the CRC32C of every byte written,
   * and of those written since {@code batch} was last reset (one record batch's block).
   */
  public static final class Summing implements WritableByteChannel {
    public final CRC32C all = new CRC32C();
    final CRC32C batch = new CRC32C();
    private final WritableByteChannel file;

    public Summing(WritableByteChannel file) {
      this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      ByteBuffer written = src.duplicate();
      int n = file.write(src);
      written.limit(written.position() + n);
      all.update(written.duplicate());
      batch.update(written);
      return n;
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
