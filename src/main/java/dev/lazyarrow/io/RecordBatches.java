package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** Turns a record batch's header and body, mapped or read, into vectors. */
final class RecordBatches {
  private RecordBatches() {}

  /**
   * Loads batch {@code index} of {@code file} from its {@code body}, which it takes over (released
   * here on failure), checking that it holds {@code rows} rows.
   */
  static ShardFile.LoadedBatch load(
      Path file,
      Schema schema,
      int index,
      long rows,
      RecordBatch header,
      ArrowBuf body,
      BufferAllocator allocator,
      boolean inAllocatorMemory) {
    ArrowRecordBatch batch;
    try {
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
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    try (batch) {
      new VectorLoader(root, Codecs.INSTANCE).load(batch);
      Set<FieldVector> noNulls = Collections.newSetFromMap(new IdentityHashMap<>());
      collectNoNulls(root.getFieldVectors(), batch.getNodes().iterator(), noNulls);
      return new ShardFile.LoadedBatch(root, inAllocatorMemory, noNulls);
    } catch (RuntimeException e) {
      root.close();
      throw e instanceof LazyArrowException lae && lae.file() == null
          ? new LazyArrowException(file, lae.getMessage(), lae)
          : new LazyArrowException(file, "corrupt record batch " + index + ": " + e, e);
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
