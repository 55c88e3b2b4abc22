package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadPoolExecutor;
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
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads some rows of some record batches with positional reads, many in flight: the read path for
 * scattered rows of data that is not in the page cache.
 *
 * <p>Each batch's message metadata is read first (and kept, see {@link OpenShard#header}); then,
 * for every batch and selected column at once, on a pool of {@link #READERS} threads, the rows'
 * validity bits, offsets and values, level by level ({@link ColumnGather}). The rows of one batch
 * come back as a small record batch in allocator memory, with the shard's schema and dictionaries:
 * the selected columns hold the rows, in ascending order, the others are empty vectors. It is
 * validated like a mapped batch ({@link BatchValidator}) before anyone reads it.
 *
 * <p>A compressed batch, or a column of view type, cannot be read in parts: the selected columns'
 * buffers are read whole (one read per column) and decompressed, and the batch comes back with all
 * its rows.
 */
final class RangeReads {
  /** Reads in flight at most: what a local NVMe or cloud volume needs to reach its rate. */
  static final int READERS = 32;

  /** A read of this few column tasks is done on the caller's thread when others read too. */
  private static final int SMALL_READ = 8;

  /** The reads in progress, on all threads. */
  private static final AtomicInteger READING = new AtomicInteger();

  private static final ThreadPoolExecutor POOL = DaemonPool.of("lazyarrow-range-read", READERS);

  private RangeReads() {}

  /** Reads the requested rows of each request's batch; see {@link ShardFile#readRows}. */
  static List<ShardFile.RowsRead> read(List<ShardFile.RowRequest> requests, int[] columns) {
    return read(requests, columns, true);
  }

  /** Reads what {@link #read} would and keeps none of it; see {@link ShardFile#readRowsAhead}. */
  static void readAhead(List<ShardFile.RowRequest> requests, int[] columns) {
    read(requests, columns, false);
  }

  private static List<ShardFile.RowsRead> read(
      List<ShardFile.RowRequest> requests, int[] columns, boolean keep) {
    check(requests, columns);
    READING.incrementAndGet();
    try {
      return readChecked(requests, columns, keep);
    } finally {
      READING.decrementAndGet();
    }
  }

  private static List<ShardFile.RowsRead> readChecked(
      List<ShardFile.RowRequest> requests, int[] columns, boolean keep) {
    int[] sorted = columns.clone();
    Arrays.sort(sorted);
    int n = requests.size();
    Plan[] plans = new Plan[n];
    List<Callable<Plan>> headers = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ShardFile.RowRequest r = requests.get(i);
        OpenShard s = r.shard().state();
        RecordBatch kept = s.keptHeader(r.batch());
        int at = i;
        if (kept != null) {
          plans[i] = new Plan(s, r, kept, sorted);
        } else {
          headers.add(() -> plans[at] = new Plan(s, r, s.header(r.batch()), sorted));
        }
      }
      run(headers);
      List<Callable<ColumnGather.Parts>> reads = new ArrayList<>();
      for (Plan p : plans) {
        for (int c = 0; c < sorted.length; c++) {
          int column = c;
          reads.add(() -> p.parts[column] = p.read(column));
        }
      }
      run(reads);
      if (!keep) {
        return List.of();
      }
      List<ShardFile.RowsRead> out = new ArrayList<>(n);
      try {
        for (Plan p : plans) {
          out.add(p.load());
        }
      } catch (RuntimeException e) {
        out.forEach(r -> r.batch().root().close());
        throw e;
      }
      return out;
    } finally {
      for (Plan p : plans) {
        if (p != null) {
          p.release();
        }
      }
    }
  }

  private static void check(List<ShardFile.RowRequest> requests, int[] columns) {
    Set<ShardFile> unchanged = new HashSet<>();
    for (ShardFile.RowRequest r : requests) {
      OpenShard s = r.shard().state();
      if (unchanged.add(r.shard())) {
        s.checkUnchanged();
      }
      Objects.checkIndex(r.batch(), s.blocks.batchBlocks().size());
      long rows = s.rows(r.batch());
      int[] local = r.rows();
      for (int i = 0; i < local.length; i++) {
        if (local[i] < 0 || local[i] >= rows || (i > 0 && local[i] <= local[i - 1])) {
          throw new IllegalArgumentException(
              "rows must ascend inside 0.." + (rows - 1) + ": " + Arrays.toString(local));
        }
      }
      for (int c : columns) {
        Objects.checkIndex(c, s.schema.getFields().size());
      }
    }
  }

  /**
   * Runs {@code tasks}, which keep what they read where the caller releases it, on the pool (the
   * caller's thread if there is one task) and waits for all of them before it throws the first
   * fault: a task abandoned while running would leak the buffers it is filling.
   */
  private static <T> void run(List<Callable<T>> tasks) {
    if (tasks.isEmpty()) {
      return;
    }
    List<FutureTask<T>> futures = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      futures.add(new FutureTask<>(task));
    }
    // A pool with work queued is saturated, and a small read while other threads read gains little
    // from it: handing it those would only add thread switches, so the caller reads its own.
    boolean inline =
        !POOL.getQueue().isEmpty() || (tasks.size() <= SMALL_READ && READING.get() > 1);
    for (int i = 1; i < futures.size() && !inline; i++) {
      POOL.execute(futures.get(i));
    }
    // The caller reads too, from the end, while the pool takes from the start: a task already
    // started by the other side is skipped (FutureTask runs once).
    futures.get(0).run();
    for (int i = futures.size() - 1; i > 0; i--) {
      futures.get(i).run();
    }
    RuntimeException first = null;
    boolean interrupted = false;
    for (Future<T> f : futures) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the reads own buffers: they are waited for, then the flag is set
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException re
                  ? re
                  : new IllegalStateException(e.getCause());
          if (first == null) {
            first = cause;
          } else if (first != cause) {
            first.addSuppressed(cause);
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (first != null) {
      throw first;
    }
  }

  /** One batch's reads: where each selected column lies, and what was read of it. */
  private static final class Plan {
    final OpenShard shard;
    final ShardFile.RowRequest request;
    final RecordBatch header;
    final int[] columns;
    final int[] firstNode;
    final int[] firstBuffer;
    final List<List<Long>> variadic = new ArrayList<>();
    final boolean whole;
    final BodyReader body;
    final ColumnGather.Parts[] parts;

    Plan(OpenShard shard, ShardFile.RowRequest request, RecordBatch header, int[] columns) {
      this.shard = shard;
      this.request = request;
      this.header = header;
      this.columns = columns;
      List<Field> fields = shard.schema.getFields();
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
                shard.path, "record batch " + request.batch() + " has no count of view buffers");
          }
          long n = header.variadicBufferCounts(v);
          if (n < 0 || n > header.buffersLength()) {
            throw new LazyArrowException(
                shard.path, "record batch " + request.batch() + " claims " + n + " view buffers");
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
            shard.path,
            "record batch "
                + request.batch()
                + " holds "
                + header.nodesLength()
                + " field nodes and "
                + header.buffersLength()
                + " buffers, its schema has "
                + counts[0]
                + " and "
                + counts[1]);
      }
      boolean compressed =
          header.compression() != null
              && header.compression().codec() != NoCompressionCodec.COMPRESSION_TYPE;
      boolean views = false;
      for (int c : columns) {
        views |= !ColumnGather.supports(fields.get(c));
      }
      this.whole = compressed || views;
      ArrowBlock block = shard.blocks.batchBlocks().get(request.batch());
      this.body =
          new BodyReader(
              shard.path,
              shard.channel,
              block.getOffset() + block.getMetadataLength(),
              header,
              "record batch " + request.batch(),
              request.shard().allocator);
      this.parts = new ColumnGather.Parts[columns.length];
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

    ColumnGather.Parts read(int c) {
      int position = columns[c];
      Field field = shard.schema.getFields().get(position);
      if (whole) {
        return wholeColumn(position);
      }
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
    ShardFile.RowsRead load() {
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
              ? new ArrowBodyCompression(
                  header.compression().codec(), header.compression().method())
              : NoCompressionCodec.DEFAULT_BODY_COMPRESSION;
      ArrowRecordBatch batch =
          new ArrowRecordBatch(rows.length, nodes, buffers, compression, counts, false, false);
      ShardFile.LoadedBatch loaded =
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
      return new ShardFile.RowsRead(new ShardFile.LoadedBatch(root, true, loaded.noNulls()), rows);
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
}
