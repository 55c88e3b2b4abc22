package dev.lazyarrow.internal.ipc;

import java.util.List;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where the messages of one shard lie, whatever located them: an IPC file's footer ({@link
 * ShardFooter}) or the sidecar of an indexed IPC stream ({@link StreamIndex}).
 *
 * @param schema the file's schema, dictionary-encoded fields in their file form
 * @param dictionaryBlocks the dictionary batch messages, in file order
 * @param batchBlocks the record batch messages, in row order
 * @param batchStarts {@code batchStarts[i]} is the first row of batch i; the last element is the
 *     shard's row count
 * @param checksums what the shard's writer recorded, or null for a shard written without them
 */
public record BlockTable(
    Schema schema,
    List<ArrowBlock> dictionaryBlocks,
    List<ArrowBlock> batchBlocks,
    long[] batchStarts,
    Checksums checksums) {
  public BlockTable {
    dictionaryBlocks = List.copyOf(dictionaryBlocks);
    batchBlocks = List.copyOf(batchBlocks);
  }

  /** Returns the first row of every batch followed by the total, from each batch's row count. */
  static long[] starts(java.nio.file.Path file, long[] rows) {
    long[] starts = new long[rows.length + 1];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] > Integer.MAX_VALUE) {
        throw new dev.lazyarrow.format.LazyArrowException(
            file, "record batch " + i + " has " + rows[i] + " rows");
      }
      starts[i + 1] = starts[i] + rows[i];
    }
    return starts;
  }
}
