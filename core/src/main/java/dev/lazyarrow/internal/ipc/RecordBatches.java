package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** Turns a record batch's header and body, mapped or read, into vectors. */
public final class RecordBatches {
  private RecordBatches() {}

  /**
   * Loads batch {@code index} of {@code file} from its {@code body}, which it takes over (released
   * here on failure), checking that it holds {@code rows} rows and, with {@link BatchValidator},
   * that every value lies where its field says, before Arrow sees it.
   */
  public static LoadedBatch load(
      Path file,
      Schema schema,
      Map<Long, Dictionary> dictionaries,
      int index,
      long rows,
      RecordBatch header,
      ArrowBuf body,
      BufferAllocator allocator,
      boolean inAllocatorMemory) {
    ArrowRecordBatch batch;
    try {
      checkBuffers(file, "record batch " + index, header, body.capacity());
      if (header.length() != rows) {
        throw new LazyArrowException(
            file,
            "record batch "
                + index
                + " holds "
                + header.length()
                + " rows, the footer says "
                + rows);
      }
      // Takes the body over: its slices hold the memory from here on.
      batch = MessageSerializer.deserializeRecordBatch(header, body);
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e instanceof LazyArrowException lae
          ? lae
          : new LazyArrowException(file, "corrupt record batch " + index + ": " + e, e);
    }
    return vectors(
        file, "record batch " + index, schema, dictionaries, batch, allocator, inAllocatorMemory);
  }

  /**
   * Checks {@code batch} against {@code schema} with {@link BatchValidator} and loads it into a new
   * root of that schema; the batch is closed either way.
   */
  public static LoadedBatch vectors(
      Path file,
      String what,
      Schema schema,
      Map<Long, Dictionary> dictionaries,
      ArrowRecordBatch batch,
      BufferAllocator allocator,
      boolean inAllocatorMemory) {
    VectorSchemaRoot root;
    try {
      root = VectorSchemaRoot.create(schema, allocator);
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
    try (batch;
        ArrowRecordBatch plain =
            BatchValidator.check(file, what, schema.getFields(), batch, dictionaries, allocator)) {
      new VectorLoader(root).load(plain);
      Set<FieldVector> noNulls = Collections.newSetFromMap(new IdentityHashMap<>());
      collectNoNulls(root.getFieldVectors(), batch.getNodes().iterator(), noNulls);
      return new LoadedBatch(root, inAllocatorMemory || plain != batch, noNulls);
    } catch (RuntimeException e) {
      root.close();
      throw e instanceof LazyArrowException lae
          ? lae.file() == null ? new LazyArrowException(file, lae.getMessage(), lae) : lae
          : new LazyArrowException(file, "corrupt " + what + ": " + e, e);
    }
  }

  /**
   * Checks that the buffers of a batch's {@code header} lie inside its body of {@code bodyLength}
   * bytes, in order and without overlap: Arrow's writers lay them out so, and two buffers sharing
   * bytes would let one column's damage pass for another's values.
   */
  public static void checkBuffers(Path file, String batch, RecordBatch header, long bodyLength) {
    long end = 0;
    Buffer buffer = new Buffer();
    for (int i = 0; i < header.buffersLength(); i++) {
      header.buffers(buffer, i);
      long offset = buffer.offset();
      long length = buffer.length();
      if (offset < end || length < 0 || offset > bodyLength || length > bodyLength - offset) {
        throw new LazyArrowException(
            file,
            batch
                + ": buffer "
                + i
                + " (offset "
                + offset
                + ", length "
                + length
                + ") lies outside the body of "
                + bodyLength
                + " bytes or overlaps the buffer before it");
      }
      end = offset + length;
    }
  }

  /** Walks the vectors in the order the loader took the field nodes: depth first, parents first. */
  private static void collectNoNulls(
      List<FieldVector> vectors, Iterator<ArrowFieldNode> nodes, Set<FieldVector> out) {
    for (FieldVector vector : vectors) {
      if (nodes.next().getNullCount() == 0) {
        out.add(vector);
      }
      collectNoNulls(vector.getChildrenFromFields(), nodes, out);
    }
  }
}
