package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uniformly random rows, every column materialized, through the batch cache: {@code hit} with every
 * batch resident, {@code miss} with a cache that keeps nothing, so each row loads its batch from
 * the mapping. Both datasets have touched every page first: page faults are not part of the figure.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RandomAccessBenchmark extends CorpusState {
  private static final int INDICES = 1 << 20;

  @Param("1GB")
  public String size;

  private LazyDataset cached;
  private LazyDataset uncached;
  private Split hits;
  private Split misses;
  private final long[] indices = new long[INDICES];
  private int next;

  @Setup
  public void setup() {
    Path path = dataset(size, "none");
    cached = LazyDataset.open(path);
    hits = cached.split("train");
    uncached = LazyDataset.newBuilder().maximumCacheBytes(0).open(path);
    misses = uncached.split("train");
    touchEveryBatch(hits);
    touchEveryBatch(misses);
    if (cached.cacheStats().evictions() > 0) {
      throw new IllegalStateException("the cache cannot hold every batch: " + cached.cacheStats());
    }
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < INDICES; i++) {
      indices[i] = random.nextLong(hits.size());
    }
  }

  private static void touchEveryBatch(Split split) {
    for (Row row : split) {
      row.index();
    }
  }

  @TearDown
  public void close() {
    cached.close();
    uncached.close();
  }

  /** Reads a random row whose batch is resident. */
  @Benchmark
  public Row hit() {
    return hits.get(indices[next++ & (INDICES - 1)]);
  }

  /** Reads a random row, loading its batch from the mapping. */
  @Benchmark
  public Row miss() {
    return misses.get(indices[next++ & (INDICES - 1)]);
  }
}
