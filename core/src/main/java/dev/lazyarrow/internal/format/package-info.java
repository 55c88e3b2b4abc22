/**
 * The manifest ({@code lazyarrow.json}) with its reader, and the rules for names and files read
 * from untrusted data. Internal: used by LazyArrow's own modules (the command line, Spark, S3),
 * not API.
 */
package dev.lazyarrow.internal.format;
