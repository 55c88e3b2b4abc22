/**
 * The record batch cache: bounded in bytes, with leases that keep an evicted batch alive until its
 * last reader lets go. Internal: public only for the packages beside it.
 */
package dev.lazyarrow.internal.cache;
