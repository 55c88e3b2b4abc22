/**
 * The public types of the dataset format: the HuggingFace features model ({@link
 * dev.lazyarrow.format.Feature}) and the one exception every reader and writer throws for bad data
 * ({@link dev.lazyarrow.format.LazyArrowException}). The manifest and the rules for names and
 * files read from untrusted data are in {@code dev.lazyarrow.internal.format}.
 */
package dev.lazyarrow.format;
