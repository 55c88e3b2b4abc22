package dev.lazyarrow.internal.format;

/**
 * The bounds on how many entries a dataset's own files may list, derived from the JVM's maximum
 * heap: a manifest or a shard footer legal in structure and under its byte bound may still list
 * more entries than their objects fit in, and is refused before they are made, not met with an
 * {@link OutOfMemoryError}.
 *
 * <p>What one entry costs is estimated from the objects it becomes (not measured with a profiler),
 * then rounded up about twofold; the tests show that the cases of issue 23 that ran out of memory
 * at {@code -Xmx256m} are refused there. A block (a record batch or
 * dictionary listed by a footer or a stream's index entry) is an {@code ArrowBlock} and its place
 * in two lists, its first row and checksum, and while the footer is parsed its bytes and its
 * entries in the footer's comma-separated lists: some 250 bytes at the peak. A JSON token of the
 * manifest is a node of the tree it is read into (a shard entry is eight tokens, about 400 bytes
 * as a tree) and, once read, its share of the shard's description and its open state.
 */
public final class HeapLimits {
  /** Heap bytes budgeted per block that one shard's footer or index entry lists. */
  static final long BLOCK_BYTES = 512;

  /** Heap bytes budgeted per JSON token of a manifest. */
  static final long TOKEN_BYTES = 256;

  private HeapLimits() {}

  /**
   * Returns the most blocks (record batches and dictionaries) one shard may list: 524,288 at
   * {@code -Xmx256m}.
   */
  public static long maxBlocks() {
    return heap() / BLOCK_BYTES;
  }

  /**
   * Returns the most JSON tokens (each name, value, and start and end of an object or array) a
   * manifest may hold: 1,048,576 at {@code -Xmx256m}, some 130,000 shard entries.
   */
  public static long maxManifestTokens() {
    return heap() / TOKEN_BYTES;
  }

  /** Returns the heap's size in MiB, as errors give it. */
  public static long heapMiB() {
    return heap() >> 20;
  }

  private static long heap() {
    return Runtime.getRuntime().maxMemory();
  }
}
