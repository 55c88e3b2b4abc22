/**
 * Every cache of the read path: record batches bounded in bytes, with leases that keep an evicted
 * batch alive until its last reader lets go ({@link dev.lazyarrow.internal.cache.BatchCache}); the
 * metadata of record batches read by ranges ({@link dev.lazyarrow.internal.cache.HeaderCache});
 * remote shards kept on local disk ({@link dev.lazyarrow.internal.cache.DiskCache}). Internal: not
 * API.
 */
package dev.lazyarrow.internal.cache;
