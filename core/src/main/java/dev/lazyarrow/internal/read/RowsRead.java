package dev.lazyarrow.internal.read;

import dev.lazyarrow.internal.ipc.LoadedBatch;

/**
 * Rows read by {@link RangeReads#readRows}: a small record batch in allocator memory, owned by the
 * caller, whose row {@code i} is row {@code rows[i]} of the record batch in the file.
 */
public record RowsRead(LoadedBatch batch, int[] rows) {}
