package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.util.TransferPair;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to the first row: lazily (the manifest, one footer, one batch), eagerly (every batch copied
 * into memory first, {@code keepInMemory}), and with Arrow Java's copying {@code ArrowFileReader}
 * reading every batch, as a user of Arrow Java alone would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class FirstRowBenchmark extends CorpusState {
  @Param("1GB")
  public String size;

  private Path path;

  @Setup
  public void setup() {
    path = dataset(size, "none");
  }

  /** Opens lazily and reads row 0 into Java values. */
  @Benchmark
  public Map<String, Object> lazy() {
    try (LazyDataset ds = LazyDataset.open(path)) {
      return ds.split("train").get(0).toMap();
    }
  }

  /** Opens with every batch copied into memory, then reads row 0 into Java values. */
  @Benchmark
  public Map<String, Object> eager() {
    try (LazyDataset ds = LazyDataset.newBuilder().keepInMemory().open(path)) {
      return ds.split("train").get(0).toMap();
    }
  }

  /** Reads every batch of every shard with {@code ArrowFileReader}, then row 0 into Java values. */
  @Benchmark
  public List<Object> arrowFileReader() throws Exception {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      try {
        for (Path shard : shards(path)) {
          readAll(shard, allocator, batches);
        }
        return batches.get(0).getFieldVectors().stream().map(v -> v.getObject(0)).toList();
      } finally {
        AutoCloseables.close(batches);
      }
    }
  }

  /** Returns the shard files of split {@code train}, in order. */
  static List<Path> shards(Path dataset) throws IOException {
    try (Stream<Path> files = Files.list(dataset.resolve("train"))) {
      return files.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
  }

  /** Loads every batch of {@code shard} and moves its vectors into a root of its own. */
  private static void readAll(Path shard, BufferAllocator allocator, List<VectorSchemaRoot> out)
      throws IOException {
    try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.READ);
        ArrowFileReader reader =
            new ArrowFileReader(channel, allocator, CommonsCompressionFactory.INSTANCE)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        List<FieldVector> moved = new ArrayList<>();
        for (FieldVector v : root.getFieldVectors()) {
          TransferPair pair = v.getTransferPair(allocator);
          pair.transfer();
          moved.add((FieldVector) pair.getTo());
        }
        out.add(new VectorSchemaRoot(moved));
      }
    }
  }
}
