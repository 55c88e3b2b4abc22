package dev.lazyarrow.testing;

import com.google.flatbuffers.Struct;
import com.google.flatbuffers.Table;
import dev.lazyarrow.internal.ipc.StreamWalk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFooter;

/**
 * Where things lie in an Arrow IPC file or stream, found by parsing it, so that tests damage exact
 * bytes: every position returned is a position in the file.
 */
public final class ShardBytes {
  private final Path file;
  private final byte[] bytes;
  private final int footerStart;
  private final List<ArrowBlock> blocks;

  private ShardBytes(Path file, byte[] bytes, List<ArrowBlock> blocks) {
    this.file = file;
    this.bytes = bytes;
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    this.footerStart = blocks != null ? -1 : bytes.length - 10 - b.getInt(bytes.length - 10);
    this.blocks = blocks != null ? blocks : new ArrowFooter(footer()).getRecordBatches();
  }

  /** Reads the IPC file {@code file}. */
  public static ShardBytes of(Path file) {
    try {
      return new ShardBytes(file, Files.readAllBytes(file), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads the IPC stream {@code file}, finding its batches by walking it. */
  public static ShardBytes ofStream(Path file) {
    try {
      return new ShardBytes(file, Files.readAllBytes(file), StreamWalk.walk(file).batches());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the file's bytes, which {@link #write} writes back. */
  public byte[] bytes() {
    return bytes;
  }

  /** Writes the (changed) bytes back to the file. */
  public void write() {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code value} little-endian at {@code position}. */
  public void putInt(long position, int value) {
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt((int) position, value);
  }

  /** Writes {@code value} little-endian at {@code position}. */
  public void putLong(long position, long value) {
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong((int) position, value);
  }

  /** Reads an int32 little-endian at {@code position}. */
  public int getInt(long position) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt((int) position);
  }

  /** Returns where the footer flatbuffer starts. */
  public int footerStart() {
    return footerStart;
  }

  /** Returns where record batch {@code batch}'s message starts. */
  public long batchStart(int batch) {
    return block(batch).getOffset();
  }

  /** Returns where the int64 row count of record batch {@code batch} lies. */
  public long batchLength(int batch) {
    RecordBatch header = header(batch);
    return messageStart(batch) + position(header) + call(header, "__offset", 4);
  }

  /** Returns where field node {@code node} of {@code batch} lies: int64 length, int64 nulls. */
  public long node(int batch, int node) {
    return messageStart(batch) + position(header(batch).nodes(node));
  }

  /** Returns where buffer {@code buffer} of {@code batch} is described: int64 offset, length. */
  public long bufferEntry(int batch, int buffer) {
    return messageStart(batch) + position(header(batch).buffers(buffer));
  }

  /** Returns where the bytes of buffer {@code buffer} of {@code batch} start. */
  public long bufferData(int batch, int buffer) {
    ArrowBlock block = block(batch);
    return block.getOffset() + block.getMetadataLength() + header(batch).buffers(buffer).offset();
  }

  /**
   * Returns where the first entry of the children vector of top-level field {@code field} lies in
   * the footer, and where that field's table lies, both as file positions.
   */
  public long[] footerChild(int field) {
    Footer footer = footer();
    org.apache.arrow.flatbuf.Field f = footer.schema().fields(field);
    int vector = call(f, "__vector", call(f, "__offset", 14));
    return new long[] {footerStart + vector, footerStart + position(f)};
  }

  private Footer footer() {
    return Footer.getRootAsFooter(
        ByteBuffer.wrap(bytes, footerStart, bytes.length - 10 - footerStart)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN));
  }

  private ArrowBlock block(int batch) {
    return blocks.get(batch);
  }

  private long messageStart(int batch) {
    return block(batch).getOffset() + 8;
  }

  private RecordBatch header(int batch) {
    ArrowBlock block = block(batch);
    ByteBuffer meta =
        ByteBuffer.wrap(bytes, (int) block.getOffset() + 8, block.getMetadataLength() - 8)
            .slice()
            .order(ByteOrder.LITTLE_ENDIAN);
    return (RecordBatch) Message.getRootAsMessage(meta).header(new RecordBatch());
  }

  private static int position(Object flat) {
    try {
      Field field = (flat instanceof Table ? Table.class : Struct.class).getDeclaredField("bb_pos");
      field.setAccessible(true);
      return field.getInt(flat);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int call(Table table, String method, int argument) {
    try {
      Method m = Table.class.getDeclaredMethod(method, int.class);
      m.setAccessible(true);
      return (int) m.invoke(table, argument);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
