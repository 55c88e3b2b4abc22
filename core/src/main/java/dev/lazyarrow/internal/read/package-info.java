/**
 * Reading shards: footers and stream indexes checked before anything is mapped, segments mapped on
 * first touch and reference-counted, record batches loaded zero-copy. Internal: public only for the
 * packages beside it.
 */
package dev.lazyarrow.internal.read;
