package dev.lazyarrow.internal.ipc;

import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A loaded record batch: its root, owned by the caller; whether its buffers are allocator memory
 * (decompressed, or copied out of the file) rather than views of the mapping; and the vectors
 * whose field node in the batch's metadata counts no null.
 */
public record LoadedBatch(
    VectorSchemaRoot root, boolean inAllocatorMemory, Set<FieldVector> noNulls) {}
