package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.Mixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

/**
 * The cost of a mixture of many sources before the first batch: opening them, mixing them and
 * building the loader's plan of the epoch (issue 22's target: 100 sources under 100 ms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MixtureBenchmark extends CorpusState {
  @Param("100MB")
  public String size;

  @Param("100")
  public int sources;

  private Path path;

  @Setup
  public void setup() {
    path = dataset(size, "none");
  }

  /**
   * Opens the corpus {@code sources} times, mixes the train splits with weights 1, 2 and 3 in turn,
   * and plans the first batch of a shuffled loader over them: the first epoch's whole plan.
   */
  @Benchmark
  public long openMixAndPlan() {
    List<LazyDataset> opened = new ArrayList<>();
    try {
      Mixture.Builder mixture = Mixture.newBuilder();
      for (int d = 0; d < sources; d++) {
        LazyDataset ds = LazyDataset.open(path);
        opened.add(ds);
        mixture.add(ds.split("train"), 1 + d % 3);
      }
      try (Loader loader = Loader.newBuilder(mixture.build()).shuffle(1).batchSize(32).build()) {
        return loader.plan().next().indices()[0];
      }
    } finally {
      opened.forEach(LazyDataset::close);
    }
  }
}
