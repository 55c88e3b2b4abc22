package dev.lazyarrow.internal.read;

/**
 * A request for some rows of one record batch: rows {@code rows} (ascending, distinct, local to the
 * batch) of record batch {@code batch} of {@code shard}, read by {@link RangeReads#readRows}.
 */
public record RowRequest(ShardFile shard, int batch, int[] rows) {}
