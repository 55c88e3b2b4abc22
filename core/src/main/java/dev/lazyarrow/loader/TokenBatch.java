package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import dev.lazyarrow.internal.bytes.Memory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * One record batch's token column as a packed loader copies from it: the lists, their items' buffer
 * and integer type, whether nulls must be looked for, and the addresses and sizes of the offsets
 * and items, looked up once per record batch rather than once per document. It is used only while
 * {@link #batch} is open, which keeps those addresses valid.
 */
final class TokenBatch {
  final Batch batch;
  final FieldVector vector;
  final FieldVector items;
  final ArrowBuf data;
  final ArrowType.Int type;
  final boolean nulls;

  /** The items' bytes: where they start, and how many there are. */
  final long dataAddress;

  final long dataBytes;
  private final Lists lists;
  private final long offsetsAddress;
  private final long offsetsBytes;

  /**
   * Reads column 0 of {@code batch}, a list of integers (the loader checked it when it planned).
   */
  TokenBatch(Batch batch) {
    this.batch = batch;
    this.vector = Collation.unwrap(batch.vector(0));
    this.lists = Lists.of(vector);
    this.items = lists.items();
    this.data = items.getDataBuffer();
    this.type = (ArrowType.Int) items.getField().getType();
    this.nulls = batch.mayHoldNulls(0);
    this.dataAddress = data.memoryAddress();
    this.dataBytes = data.capacity();
    ArrowBuf offsets = lists.offsets();
    this.offsetsAddress = offsets == null ? 0 : offsets.memoryAddress();
    this.offsetsBytes = offsets == null ? 0 : offsets.capacity();
  }

  /** Returns the first item of row {@code i}, checked to lie in the offsets buffer. */
  long start(long i) {
    return switch (lists.offsetWidth()) {
      case 4 -> Memory.getInt(offsetsAddress, offsetsBytes, 4 * i);
      case 8 -> Memory.getLong(offsetsAddress, offsetsBytes, 8 * i);
      default -> i * lists.fixed();
    };
  }
}
