package dev.lazyarrow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the whole JMH suite once, one fork and one short iteration, on a tiny corpus: a smoke run
 * whose numbers mean nothing, so JMH's report goes to a file rather than the build's output.
 */
class SuiteSmokeTest {
  private static final Path REPORT = Path.of("target/jmh-smoke.txt");

  @TempDir Path corpora;

  @Test
  void suite_oneShortIteration_everyBenchmarkReportsAScore() throws RunnerException {
    System.out.println(
        "JMH smoke run: every benchmark once for 100 ms on a 512 KB corpus, to prove it runs;"
            + " its numbers are not measurements (report: "
            + REPORT
            + "; benchmarks/results/ holds real runs)");
    Collection<RunResult> results =
        new Runner(
                new OptionsBuilder()
                    .include(SuiteSmokeTest.class.getPackageName() + "\\..*Benchmark")
                    .forks(1)
                    .warmupIterations(0)
                    .measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(100))
                    .param("corpora", corpora.toString())
                    .param("size", "512KB")
                    .shouldFailOnError(true)
                    .output(REPORT.toString())
                    .build())
            .run();
    TreeMap<String, Double> scores = new TreeMap<>();
    for (RunResult r : results) {
      String compression = r.getParams().getParam("compression");
      String order = r.getParams().getParam("order");
      String name =
          r.getParams().getBenchmark().replace("dev.lazyarrow.bench.", "")
              + (order == null ? "" : " " + order)
              + (compression == null ? "" : " " + compression);
      scores.put(name, r.getPrimaryResult().getScore());
    }
    assertEquals(
        List.of(
            "CopyFloorBenchmark.copy",
            "EpochBenchmark.collated block none",
            "EpochBenchmark.collated block zstd",
            "EpochBenchmark.collated shuffle none",
            "EpochBenchmark.collated shuffle zstd",
            "EpochBenchmark.collatedOutput block none",
            "EpochBenchmark.collatedOutput block zstd",
            "EpochBenchmark.collatedOutput shuffle none",
            "EpochBenchmark.collatedOutput shuffle zstd",
            "EpochBenchmark.epoch block none",
            "EpochBenchmark.epoch block zstd",
            "EpochBenchmark.epoch shuffle none",
            "EpochBenchmark.epoch shuffle zstd",
            "EpochBenchmark.packed block none",
            "EpochBenchmark.packed block zstd",
            "EpochBenchmark.packed shuffle none",
            "EpochBenchmark.packed shuffle zstd",
            "FirstRowBenchmark.arrowFileReader",
            "FirstRowBenchmark.eager",
            "FirstRowBenchmark.lazy",
            "MixtureBenchmark.openMixAndPlan",
            "OpenBenchmark.open",
            "RandomAccessBenchmark.hit",
            "RandomAccessBenchmark.miss",
            "ScanBenchmark.arrowFileReaderScan none",
            "ScanBenchmark.arrowFileReaderScan zstd",
            "ScanBenchmark.columnScan none",
            "ScanBenchmark.columnScan zstd",
            "ScanBenchmark.rows none",
            "ScanBenchmark.rows zstd"),
        List.copyOf(scores.keySet()));
    String bad =
        scores.entrySet().stream()
            .filter(e -> !(e.getValue() > 0) || e.getValue().isInfinite())
            .map(String::valueOf)
            .collect(Collectors.joining(", "));
    assertTrue(bad.isEmpty(), bad);
  }
}
