package dev.lazyarrow.internal.convert;

/**
 * The bounds a conversion source's counts and lengths must keep, derived from the JVM's maximum
 * heap so that a file legal in structure but hostile in magnitude is refused before it sizes
 * anything, not met with an {@link OutOfMemoryError}.
 *
 * <p>What one unit costs is measured, then rounded up: a column holds Arrow vectors at their
 * initial capacity (about 32 KiB) and its reader's state; a Parquet column chunk listed in a footer
 * about 1 KiB of the heap once read, more while it is parsed; a JSON line several times its length
 * while it is parsed into a tree of values.
 */
public final class SourceLimits {
  /** Levels of lists and structs a source's schema or value may nest, as in Arrow IPC files. */
  public static final int MAX_NESTING = 64;

  /** Heap bytes budgeted per column of a source. */
  static final long COLUMN_BYTES = 64L << 10;

  /** Heap bytes budgeted per Parquet column chunk (a row group's part of one column). */
  static final long CHUNK_BYTES = 4L << 10;

  /** The heap is this many times the longest JSON line. */
  static final long LINE_RATIO = 32;

  /** The longest JSON line on any heap: the bound of LazyArrow 0.1. */
  static final long MAX_LINE_BYTES = 256L << 20;

  private SourceLimits() {}

  /** Returns the most columns (leaves and nested fields alike) a source may have. */
  public static int maxColumns() {
    return (int) Math.min(Integer.MAX_VALUE, heap() / COLUMN_BYTES);
  }

  /** Returns the most column chunks (row groups times columns) a Parquet footer may list. */
  public static long maxChunks() {
    return heap() / CHUNK_BYTES;
  }

  /** Returns the most bytes one line of a JSON Lines file may hold. */
  public static long maxLineBytes() {
    return Math.min(MAX_LINE_BYTES, heap() / LINE_RATIO);
  }

  private static long heap() {
    return Runtime.getRuntime().maxMemory();
  }
}
