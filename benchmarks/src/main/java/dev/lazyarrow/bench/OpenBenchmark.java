package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/** Open time against dataset size: opening reads the manifest only, so the curve must be flat. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class OpenBenchmark extends CorpusState {
  @Param({"100MB", "1GB", "4GB"})
  public String size;

  private Path path;

  @Setup
  public void setup() {
    path = dataset(size, "none");
  }

  /** Opens the dataset and its split, then closes it. */
  @Benchmark
  public long open() {
    try (LazyDataset ds = LazyDataset.open(path)) {
      return ds.split("train").size();
    }
  }
}
