package dev.lazyarrow.bench;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * Rows per second of a training epoch in two orders, uncompressed and ZSTD: a seeded permutation of
 * all rows, and a block shuffle (record batches shuffled, then rows shuffled within each window of
 * {@value #WINDOW} consecutive batches of that order), which keeps few batches in use at a time.
 * Each invocation reads the next {@value #ROWS} rows of the epoch, every column materialized.
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

  @Param("1GB")
  public String size;

  @Param({"none", "zstd"})
  public String compression;

  private LazyDataset dataset;
  private Split train;
  private long[] shuffled;
  private long[] blockShuffled;
  private int nextShuffled;
  private int nextBlockShuffled;

  @Setup
  public void setup() {
    dataset = LazyDataset.open(dataset(size, compression));
    train = dataset.split("train");
    shuffled = new long[Math.toIntExact(train.size())];
    for (int i = 0; i < shuffled.length; i++) {
      shuffled[i] = i;
    }
    SplittableRandom random = new SplittableRandom(0);
    shuffle(shuffled, 0, shuffled.length, random);
    blockShuffled = blockShuffle(train, WINDOW, random);
  }

  @TearDown
  public void close() {
    dataset.close();
  }

  /** Reads the next rows of a fully shuffled epoch. */
  @Benchmark
  public void shuffled(Blackhole blackhole) {
    nextShuffled = read(shuffled, nextShuffled, blackhole);
  }

  /** Reads the next rows of a block-shuffled epoch. */
  @Benchmark
  public void blockShuffled(Blackhole blackhole) {
    nextBlockShuffled = read(blockShuffled, nextBlockShuffled, blackhole);
  }

  private int read(long[] order, int from, Blackhole blackhole) {
    int at = from;
    for (int i = 0; i < ROWS; i++) {
      blackhole.consume(train.get(order[at]));
      at = at + 1 == order.length ? 0 : at + 1;
    }
    return at;
  }

  /** Returns the rows of {@code split} with its batches shuffled, then rows within each window. */
  static long[] blockShuffle(Split split, int window, SplittableRandom random) {
    List<long[]> batches = new ArrayList<>();
    for (Iterator<Batch> it = split.batches(); it.hasNext(); ) {
      try (Batch batch = it.next()) {
        batches.add(new long[] {batch.firstRow(), batch.size()});
      }
    }
    long[][] order = batches.toArray(new long[0][]);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long[] swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    long[] rows = new long[Math.toIntExact(split.size())];
    int at = 0;
    for (int w = 0; w < order.length; w += window) {
      int start = at;
      for (int b = w; b < Math.min(w + window, order.length); b++) {
        for (long r = 0; r < order[b][1]; r++) {
          rows[at++] = order[b][0] + r;
        }
      }
      shuffle(rows, start, at, random);
    }
    return rows;
  }

  /** Shuffles {@code a[from, to)} in place (Fisher-Yates). */
  static void shuffle(long[] a, int from, int to, SplittableRandom random) {
    for (int i = to - 1; i > from; i--) {
      int j = from + random.nextInt(i - from + 1);
      long swap = a[i];
      a[i] = a[j];
      a[j] = swap;
    }
  }
}
