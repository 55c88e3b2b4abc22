package dev.lazyarrow.bench;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Sequential passes over the whole split, uncompressed and ZSTD: a scan of the token column ({@code
 * bytes} per second, zero-copy from the mapping), the same scan through Arrow Java's copying {@code
 * ArrowFileReader}, and whole rows materialized ({@code rows} per second).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScanBenchmark extends CorpusState {
  @Param("1GB")
  public String size;

  @Param({"none", "zstd"})
  public String compression;

  private Path path;
  private LazyDataset dataset;
  private Split train;
  private BufferAllocator allocator;

  /** The bytes of tokens a scan read, reported by JMH per second of the iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Bytes {
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      bytes = 0;
    }
  }

  /** The rows a pass materialized, reported by JMH per second of the iteration. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Rows {
    public long rows;

    @Setup(Level.Iteration)
    public void reset() {
      rows = 0;
    }
  }

  @Setup
  public void setup() {
    path = dataset(size, compression);
    dataset = LazyDataset.open(path);
    train = dataset.split("train");
    allocator = new RootAllocator();
  }

  @TearDown
  public void close() {
    dataset.close();
    allocator.close();
  }

  /** Sums the token column of every batch, zero-copy. */
  @Benchmark
  public long columnScan(Bytes counters) {
    long sum = 0;
    for (Iterator<Batch> batches = train.batches(); batches.hasNext(); ) {
      try (Batch batch = batches.next()) {
        sum += sumTokens(batch.root(), counters);
      }
    }
    return sum;
  }

  /** Sums the token column of every batch as {@code ArrowFileReader} copies it in. */
  @Benchmark
  public long arrowFileReaderScan(Bytes counters) throws IOException {
    long sum = 0;
    for (Path shard : FirstRowBenchmark.shards(path)) {
      try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ);
          ArrowFileReader reader =
              new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
        while (reader.loadNextBatch()) {
          sum += sumTokens(reader.getVectorSchemaRoot(), counters);
        }
      }
    }
    return sum;
  }

  /** Materializes every row of the split. */
  @Benchmark
  public void rows(Rows counters, Blackhole blackhole) {
    for (Row row : train) {
      blackhole.consume(row);
      counters.rows++;
    }
  }

  private static long sumTokens(VectorSchemaRoot root, Bytes counters) {
    IntVector items = (IntVector) ((ListVector) root.getVector("input_ids")).getDataVector();
    ArrowBuf data = items.getDataBuffer();
    int n = items.getValueCount();
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += data.getInt(4L * i);
    }
    counters.bytes += 4L * n;
    return sum;
  }
}
