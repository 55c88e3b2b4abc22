package dev.lazyarrow.bench;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.complex.ListVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rows per second of a training epoch read through the library's loaders, uncompressed and ZSTD,
 * with a batch cache of {@code cacheFraction} of the data: a global shuffle of all rows, and a
 * block shuffle (record batches shuffled, then rows within windows of {@value #WINDOW} batches),
 * which keeps few batches in use at a time. Each invocation reads the next {@value #ROWS} rows:
 * {@link #epoch} materializes every column of every row; {@link #collated} reads what a token
 * classifier trains on, from the split projected on {@code input_ids} and {@code label}, collated
 * straight from the record batches (ids padded into an int matrix with a mask, labels into a long
 * array), with no {@code Row}; {@link #collatedOutput} makes the same arrays of the same rows from
 * arrays already in the heap, so that it reads nothing: the floor {@code collated} would reach if
 * reading the record batches cost nothing. {@link #packed} makes GPT pretraining samples of the
 * same order instead, as {@code lazyarrow bench --passes packed} does: {@code input_ids} laid end
 * to end and cut into samples of {@value #SEQ_LEN} + 1 tokens, 8 a batch with their boundaries; its
 * score is input tokens per second ({@value #PACKED_BATCHES} batches an invocation), to set beside
 * {@link CopyFloorBenchmark}'s. The cache's hit rate is printed at tear-down.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(EpochBenchmark.ROWS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class EpochBenchmark extends CorpusState {
  static final int ROWS = 10_000;
  static final int WINDOW = 4;
  static final int SEQ_LEN = 2048;
  static final int PACKED_BATCH = 8;
  static final int PACKED_BATCHES = 16;
  static final int PACKED_TOKENS = PACKED_BATCHES * PACKED_BATCH * SEQ_LEN;

  @Param("1GB")
  public String size;

  @Param({"none", "zstd"})
  public String compression;

  @Param({"shuffle", "block"})
  public String order;

  /** The cache bound as a fraction of the dataset's bytes on disk. */
  @Param("0.05")
  public double cacheFraction;

  private LazyDataset dataset;
  private Loader loader;
  private Iterator<TrainingBatch> epoch;
  private Loader trainLoader;
  private Iterator<TrainingBatch> trainEpoch;
  private Loader plannedLoader;
  private Iterator<TrainingBatch> plannedEpoch;
  private PackedLoader packedLoader;
  private Iterator<PackedBatch> packedEpoch;

  /** Every row's number of ids, and ids and labels to copy from, for {@link #collatedOutput}. */
  private int[] lengths;

  private int[] ids;
  private long[] labels;

  @Setup
  public void setup() {
    java.nio.file.Path path = dataset(size, compression);
    long bytes;
    try (LazyDataset probe = LazyDataset.open(path)) {
      bytes = probe.split("train").bytes();
    }
    dataset = LazyDataset.newBuilder().maximumCacheBytes((long) (bytes * cacheFraction)).open(path);
    Split train = dataset.split("train");
    loader = ordered(Loader.newBuilder(train), 1000).build();
    epoch = loader.iterator();
    trainLoader = ordered(Loader.newBuilder(train.select("input_ids", "label")), 1000).build();
    trainEpoch = trainLoader.iterator();
    plannedLoader = ordered(Loader.newBuilder(train.select("input_ids", "label")), 1000).build();
    plannedEpoch = plannedLoader.plan();
    packedLoader =
        ordered(Loader.newBuilder(train), PACKED_BATCH).pack(SEQ_LEN, "input_ids").build();
    if (packedLoader.batchesPerEpoch() == 0) {
      throw new IllegalStateException(
          "the corpus of " + size + " holds no batch of packed samples: pick a larger one");
    }
    packedEpoch = packedLoader.iterator();
    lengths = new int[Math.toIntExact(train.size())];
    int longest = 0;
    for (Iterator<Batch> batches = train.select("input_ids").batches(); batches.hasNext(); ) {
      try (Batch batch = batches.next()) {
        ListVector list = (ListVector) batch.vector(0);
        for (int i = 0; i < batch.size(); i++) {
          int length = list.getElementEndIndex(i) - list.getElementStartIndex(i);
          lengths[(int) batch.firstRow() + i] = length;
          longest = Math.max(longest, length);
        }
      }
    }
    ids = new int[longest];
    labels = new long[lengths.length];
  }

  private LoaderBuilder ordered(LoaderBuilder builder, int batchSize) {
    builder.batchSize(batchSize);
    return order.equals("shuffle") ? builder.shuffle(0) : builder.blockShuffle(0, WINDOW);
  }

  @TearDown
  public void close() {
    System.out.println(order + " " + compression + ": " + dataset.cacheStats());
    loader.close();
    trainLoader.close();
    plannedLoader.close();
    packedLoader.close();
    dataset.close();
  }

  /** Reads the next rows of the epoch, starting the next epoch when one ends. */
  @Benchmark
  public void epoch(Blackhole blackhole) {
    int read = 0;
    while (read < ROWS) {
      if (!epoch.hasNext()) {
        epoch = loader.iterator();
      }
      TrainingBatch batch = epoch.next();
      blackhole.consume(batch.rows());
      read += batch.size();
    }
  }

  /** Collates the next rows of the epoch as a token classifier takes them; no row is made. */
  @Benchmark
  public void collated(Blackhole blackhole) {
    int read = 0;
    while (read < ROWS) {
      if (!trainEpoch.hasNext()) {
        trainEpoch = trainLoader.iterator();
      }
      TrainingBatch batch = trainEpoch.next();
      blackhole.consume(batch.tokens("input_ids"));
      blackhole.consume(batch.longs("label"));
      read += batch.size();
    }
  }

  /** Packs the next {@value #PACKED_BATCHES} batches of samples; the score counts input tokens. */
  @Benchmark
  @OperationsPerInvocation(PACKED_TOKENS)
  public void packed(Blackhole blackhole) {
    for (int b = 0; b < PACKED_BATCHES; b++) {
      if (!packedEpoch.hasNext()) {
        packedEpoch = packedLoader.iterator();
      }
      PackedBatch batch = packedEpoch.next();
      blackhole.consume(batch.tokens());
      blackhole.consume(batch.cuSeqlens());
    }
  }

  /**
   * Makes the arrays {@link #collated} returns for the next rows of the epoch (the ids padded to
   * the batch's longest row, its mask, the labels) from arrays in the heap: what remains of a
   * collation when reading costs nothing.
   */
  @Benchmark
  public void collatedOutput(Blackhole blackhole) {
    int read = 0;
    while (read < ROWS) {
      if (!plannedEpoch.hasNext()) {
        plannedEpoch = plannedLoader.plan();
      }
      long[] rows = plannedEpoch.next().indices();
      int width = 0;
      for (long row : rows) {
        width = Math.max(width, lengths[(int) row]);
      }
      int[] values = new int[rows.length * width];
      int[] mask = new int[values.length];
      long[] label = new long[rows.length];
      for (int r = 0; r < rows.length; r++) {
        int length = lengths[(int) rows[r]];
        System.arraycopy(ids, 0, values, r * width, length);
        Arrays.fill(mask, r * width, r * width + length, 1);
        label[r] = labels[(int) rows[r]];
      }
      blackhole.consume(values);
      blackhole.consume(mask);
      blackhole.consume(label);
      read += rows.length;
    }
  }
}
