package dev.lazyarrow.internal.read;

import dev.lazyarrow.internal.ipc.LoadedBatch;
import dev.lazyarrow.internal.ipc.RecordBatches;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowBodyCompression;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The reads of one record batch for {@link RangeReads}: where each selected column's field nodes
 * and buffers lie (from the batch's metadata and the schema), the rows or whole columns read of it,
 * and the record batch they are loaded into.
 */
public final class RowsPlan {
  private final OpenShard shard;
  private final RowRequest request;
  private final RecordBatch header;
  private final int[] columns;
  private final int[] firstNode;
  private final int[] firstBuffer;
  private final List<List<Long>> variadic;
  private final boolean whole;
  private final BodyReader body;
  private final ColumnGather.Parts[] parts;

  RowsPlan(OpenShard shard, RowRequest request, RecordBatch header, int[] columns) {
    this.shard = shard;
    this.request = request;
    this.header = header;
    this.columns = columns;
    List<Field> fields = shard.schema.getFields();
    FieldPositions at = new FieldPositions(shard.path, request.batch(), fields, header);
    this.firstNode = at.firstNode;
    this.firstBuffer = at.firstBuffer;
    this.variadic = at.variadic;
    boolean compressed = FetchedBatches.compressed(header);
    boolean views = false;
    for (int c : columns) {
      views |= !ColumnGather.supports(fields.get(c));
    }
    this.whole = compressed || views;
    ArrowBlock block = shard.blocks.batchBlocks().get(request.batch());
    this.body =
        new BodyReader(
            shard.path,
            shard.source,
            block.getOffset() + block.getMetadataLength(),
            header,
            "record batch " + request.batch(),
            request.shard().allocator);
    this.parts = new ColumnGather.Parts[columns.length];
  }

  /** Reads the rows (or the whole buffers) of selected column {@code c}, kept until loaded. */
  void read(int c) {
    parts[c] = whole ? wholeColumn(columns[c]) : rows(columns[c]);
  }

  private ColumnGather.Parts rows(int position) {
    Field field = shard.schema.getFields().get(position);
    int[] rows = request.rows();
    // Consecutive rows make one run.
    long[] from = new long[rows.length];
    long[] to = new long[rows.length];
    int runs = 0;
    for (int row : rows) {
      if (runs > 0 && to[runs - 1] == row) {
        to[runs - 1]++;
      } else {
        from[runs] = row;
        to[runs++] = row + 1L;
      }
    }
    return ColumnGather.read(
        body,
        header,
        field,
        firstNode[position],
        firstBuffer[position],
        new long[][] {Arrays.copyOf(from, runs), Arrays.copyOf(to, runs)});
  }

  /** Reads the buffers of column {@code position} whole, in one read, with its field nodes. */
  private ColumnGather.Parts wholeColumn(int position) {
    List<ArrowFieldNode> nodes = new ArrayList<>();
    FieldNode node = new FieldNode();
    for (int i = firstNode[position]; i < firstNode[position + 1]; i++) {
      header.nodes(node, i);
      nodes.add(new ArrowFieldNode(node.length(), node.nullCount()));
    }
    int first = firstBuffer[position];
    int end = firstBuffer[position + 1];
    List<ArrowBuf> buffers = new ArrayList<>(end - first);
    if (first == end) {
      return new ColumnGather.Parts(nodes, buffers);
    }
    long start = body.offset(first);
    long stop = body.offset(end - 1) + body.length(end - 1);
    try (ArrowBuf span = body.span(start, stop - start)) {
      for (int b = first; b < end; b++) {
        ArrowBuf slice = span.slice(body.offset(b) - start, body.length(b));
        slice.getReferenceManager().retain();
        buffers.add(slice);
      }
    }
    return new ColumnGather.Parts(nodes, buffers);
  }

  /** Validates and loads what was read as one record batch. */
  RowsRead load() {
    List<ArrowFieldNode> nodes = new ArrayList<>();
    List<ArrowBuf> buffers = new ArrayList<>();
    List<Long> counts = new ArrayList<>();
    List<Field> selected = new ArrayList<>();
    for (int c = 0; c < columns.length; c++) {
      nodes.addAll(parts[c].nodes());
      buffers.addAll(parts[c].buffers());
      selected.add(shard.schema.getFields().get(columns[c]));
      if (whole) {
        counts.addAll(variadic.get(columns[c]));
      }
    }
    Arrays.fill(parts, null); // the batch below owns the buffers now
    int[] rows = whole ? wholeRows() : request.rows();
    ArrowBodyCompression compression =
        whole && header.compression() != null
            ? new ArrowBodyCompression(header.compression().codec(), header.compression().method())
            : NoCompressionCodec.DEFAULT_BODY_COMPRESSION;
    ArrowRecordBatch batch =
        new ArrowRecordBatch(rows.length, nodes, buffers, compression, counts, false, false);
    LoadedBatch loaded =
        RecordBatches.vectors(
            shard.path,
            "rows of record batch " + request.batch(),
            new Schema(selected),
            shard.dictionaries,
            batch,
            request.shard().allocator,
            true);
    List<FieldVector> vectors = new ArrayList<>();
    List<FieldVector> read = loaded.root().getFieldVectors();
    int next = 0;
    List<Field> all = shard.schema.getFields();
    for (int p = 0; p < all.size(); p++) {
      if (next < columns.length && columns[next] == p) {
        vectors.add(read.get(next++));
      } else {
        vectors.add(all.get(p).createVector(request.shard().allocator));
      }
    }
    VectorSchemaRoot root = new VectorSchemaRoot(all, vectors, rows.length);
    return new RowsRead(new LoadedBatch(root, true, loaded.noNulls()), rows);
  }

  private int[] wholeRows() {
    long rows = shard.rows(request.batch());
    int[] all = new int[(int) rows];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /** Closes what was read and not handed over. */
  void release() {
    for (ColumnGather.Parts p : parts) {
      if (p != null) {
        p.buffers().forEach(ArrowBuf::close);
      }
    }
    Arrays.fill(parts, null);
  }
}
