package dev.lazyarrow.internal.read;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Where each top-level field of one record batch starts among the batch's field nodes and buffers,
 * worked out from the schema (depth first, parents first, as IPC lays them out) and checked against
 * the counts the batch's metadata holds.
 */
final class FieldPositions {
  /** {@code firstNode[i]}: field i's first node; then the batch's node count. */
  final int[] firstNode;

  /** {@code firstBuffer[i]}: field i's first buffer; then the batch's buffer count. */
  final int[] firstBuffer;

  /** The data buffer counts of each field's view columns, as the batch gives them. */
  final List<List<Long>> variadic = new ArrayList<>();

  /**
   * Lays out record batch {@code batch} of {@code path}, whose metadata is {@code header}.
   *
   * @throws LazyArrowException naming the file if the batch's counts do not match its schema
   */
  FieldPositions(Path path, int batch, List<Field> fields, RecordBatch header) {
    this.firstNode = new int[fields.size() + 1];
    this.firstBuffer = new int[fields.size() + 1];
    int[] counts = new int[3];
    for (int i = 0; i < fields.size(); i++) {
      firstNode[i] = counts[0];
      firstBuffer[i] = counts[1];
      int views = counts[2];
      count(fields.get(i), counts);
      List<Long> mine = new ArrayList<>();
      for (int v = views; v < counts[2]; v++) {
        if (v >= header.variadicBufferCountsLength()) {
          throw new LazyArrowException(
              path, "record batch " + batch + " has no count of view buffers");
        }
        long n = header.variadicBufferCounts(v);
        if (n < 0 || n > header.buffersLength()) {
          throw new LazyArrowException(
              path, "record batch " + batch + " claims " + n + " view buffers");
        }
        mine.add(n);
        counts[1] += (int) n;
      }
      variadic.add(mine);
    }
    firstNode[fields.size()] = counts[0];
    firstBuffer[fields.size()] = counts[1];
    if (counts[0] != header.nodesLength() || counts[1] != header.buffersLength()) {
      throw new LazyArrowException(
          path,
          "record batch "
              + batch
              + " holds "
              + header.nodesLength()
              + " field nodes and "
              + header.buffersLength()
              + " buffers, its schema has "
              + counts[0]
              + " and "
              + counts[1]);
    }
  }

  /** Counts the nodes, buffers (views without their data) and view fields of a field tree. */
  private static void count(Field field, int[] counts) {
    ArrowType.ArrowTypeID id = field.getType().getTypeID();
    counts[0]++;
    counts[1] +=
        switch (id) {
          case Null -> 0;
          case Struct, FixedSizeList -> 1;
          case Utf8, Binary, LargeUtf8, LargeBinary -> 3;
          default -> 2;
        };
    if (id == ArrowType.ArrowTypeID.Utf8View || id == ArrowType.ArrowTypeID.BinaryView) {
      counts[2]++;
    }
    field.getChildren().forEach(child -> count(child, counts));
  }
}
