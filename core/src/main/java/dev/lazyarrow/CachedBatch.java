package dev.lazyarrow;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.read.ShardFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;

/**
 * A record batch as the cache holds it: its vectors and a value reader per column, made once.
 *
 * <p>Its weight, the number the cache's byte bound counts, is what the batch costs the heap or the
 * allocator: for a batch left in the mapping, an estimate of its Java objects (the mapped bytes are
 * the page cache's, shared and reclaimable); for a batch in allocator memory (decompressed or
 * copied), its buffers too.
 */
final class CachedBatch implements AutoCloseable {
  /** Estimated heap bytes of a root, its loader leftovers and the row readers. */
  private static final long BATCH_OVERHEAD = 1024;

  /** Estimated heap bytes of one vector with its buffers' Java objects and its reader. */
  private static final long VECTOR_OVERHEAD = 512;

  final VectorSchemaRoot root;

  /** The vectors of {@link #root}, one hop nearer: a walk over many batches reads them on each. */
  final FieldVector[] vectors;

  final ValueReader[] readers;
  final long weight;
  private final Path file;

  /** Whether each vector of {@link #root}, with everything below it, is known to hold no null. */
  private final boolean[] nullFree;

  CachedBatch(Path file, LoadedBatch loaded, DictionaryProvider dictionaries) {
    this.file = file;
    this.root = loaded.root();
    List<FieldVector> vectors = root.getFieldVectors();
    this.vectors = vectors.toArray(FieldVector[]::new);
    this.readers = new ValueReader[vectors.size()];
    this.nullFree = new boolean[vectors.size()];
    long w = BATCH_OVERHEAD;
    for (int i = 0; i < readers.length; i++) {
      readers[i] = ValueReader.of(vectors.get(i), dictionaries, loaded.noNulls());
      nullFree[i] = nullFree(vectors.get(i), loaded.noNulls());
      w += weight(vectors.get(i), loaded.inAllocatorMemory());
    }
    this.weight = w;
  }

  /**
   * Returns row {@code row}'s values of the columns at {@code columns}, in that order.
   *
   * @throws LazyArrowException if the file shrank under its mapping since the batch was loaded
   */
  Object[] values(int row, int[] columns) {
    Object[] values = new Object[columns.length];
    try {
      for (int c = 0; c < values.length; c++) {
        values[c] = readers[columns[c]].read(row);
      }
    } catch (InternalError e) {
      throw ShardFile.truncatedWhileMapped(file, e);
    }
    return values;
  }

  /**
   * Returns whether the batch's metadata counts no null in vector {@code position} of the root nor
   * below it.
   */
  boolean nullFree(int position) {
    return nullFree[position];
  }

  private static boolean nullFree(FieldVector vector, Set<FieldVector> noNulls) {
    if (!noNulls.contains(vector)) {
      return false;
    }
    for (FieldVector child : vector.getChildrenFromFields()) {
      if (!nullFree(child, noNulls)) {
        return false;
      }
    }
    return true;
  }

  /** Weighs a vector tree; a parent's buffer size already includes its children's. */
  private static long weight(FieldVector vector, boolean countBuffers) {
    long w = VECTOR_OVERHEAD + (countBuffers ? vector.getBufferSize() : 0);
    for (FieldVector child : vector.getChildrenFromFields()) {
      w += weight(child, false);
    }
    return w;
  }

  @Override
  public void close() {
    root.close();
  }
}
