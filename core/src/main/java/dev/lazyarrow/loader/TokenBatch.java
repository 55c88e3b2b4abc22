package dev.lazyarrow.loader;

import dev.lazyarrow.Batch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * One record batch's token column as a packed loader copies from it: the lists, their items' buffer
 * and integer type, and whether nulls must be looked for, worked out once per record batch rather
 * than once per document.
 */
final class TokenBatch {
  final Batch batch;
  final FieldVector vector;
  final Lists lists;
  final FieldVector items;
  final ArrowBuf data;
  final ArrowType.Int type;
  final boolean nulls;

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
  }
}
