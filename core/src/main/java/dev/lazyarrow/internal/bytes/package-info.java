/**
 * Byte access: local files opened as regular files only, mapped segments, bounds-checked reads of
 * mapped memory, positional reads ({@link dev.lazyarrow.internal.bytes.Positional}). Internal: not
 * API.
 */
package dev.lazyarrow.internal.bytes;
