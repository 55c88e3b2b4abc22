package dev.lazyarrow.convert;

import dev.lazyarrow.io.Checksums;
import dev.lazyarrow.io.Codecs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * An Arrow IPC file writer that records LazyArrow's checksums (the format is documented beside its
 * reader, {@code io.ShardFooter}): each record batch's CRC32C in the footer metadata, and a trailer
 * after the footer flatbuffer with the CRC32C of every byte before it.
 *
 * <p>Each checksum is computed from the bytes read back from the file once written, so that it
 * covers exactly what a reader will find.
 */
final class ChecksummedFileWriter extends ArrowFileWriter {
  private static final byte[] ARROW_MAGIC = "ARROW1".getBytes(StandardCharsets.US_ASCII);

  private final FileChannel channel;
  private final Map<String, String> footer;
  private final List<Integer> crcs = new ArrayList<>();

  /**
   * Writes {@code root}'s batches to {@code channel}, open for reading and writing at position 0,
   * with {@code footer} (filled by the caller until {@link #end}) as the footer metadata.
   */
  ChecksummedFileWriter(
      VectorSchemaRoot root,
      FileChannel channel,
      Map<String, String> footer,
      CompressionUtil.CodecType codec) {
    super(root, null, channel, footer, IpcOption.DEFAULT, Codecs.INSTANCE, codec);
    this.channel = channel;
    this.footer = footer;
  }

  @Override
  protected ArrowBlock writeRecordBatch(ArrowRecordBatch batch) throws IOException {
    ArrowBlock block = super.writeRecordBatch(batch);
    crcs.add(
        Checksums.crc(
            channel, block.getOffset(), block.getMetadataLength() + block.getBodyLength()));
    return block;
  }

  @Override
  protected void endInternal(WriteChannel out) throws IOException {
    footer.put(Checksums.BATCH_KEY, Checksums.format(crcs.stream().mapToInt(i -> i).toArray()));
    out.writeIntLittleEndian(MessageSerializer.IPC_CONTINUATION_TOKEN); // end of stream
    out.writeIntLittleEndian(0);
    long footerStart = out.getCurrentPosition();
    out.write(
        new ArrowFooter(
            schema, getDictionaryBlocks(), getRecordBlocks(), footer, option.metadataVersion),
        false);
    out.writeIntLittleEndian(Checksums.crc(channel, 0, out.getCurrentPosition())); // trailer
    out.write(Checksums.TRAILER_MAGIC.getBytes(StandardCharsets.US_ASCII));
    out.writeIntLittleEndian((int) (out.getCurrentPosition() - footerStart)); // footer length
    out.write(ARROW_MAGIC);
  }
}
