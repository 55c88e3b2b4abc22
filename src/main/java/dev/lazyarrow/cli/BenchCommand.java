package dev.lazyarrow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** The {@code bench} command. */
@Command(name = "bench",
    header = "Time what a training loop does, the way benchmarks/hf_reference.py times datasets.",
    description = {"Prints open and first-row times, then the rates of 20,000 uniformly random rows, "
        + "up to 500,000 sequential rows and up to 200,000 rows in a seeded shuffled order, every "
        + "column of every row materialized into Java values, and the memory after open.",
        "The code path is first warmed on a small bundled dataset, as the reference imports "
        + "datasets before its clock starts; open_first_s is that first open, class loading included.",
        "--mode eager copies the whole split into memory while opening (keepInMemory), as eager "
            + "loaders do, then measures the same work."})
final class BenchCommand implements Callable<Integer> {
  static final int RANDOM_ROWS = 20_000;
  static final long SEQUENTIAL_ROWS = 500_000;
  static final long SHUFFLED_ROWS = 200_000;
  /** The batch size of the reference's {@code ds.iter(batch_size=1000)}. */
  static final int TAKE = 1000;
  /** The rows of each warm-up pass: enough for the JIT to compile the row paths. */
  static final int WARMUP_ROWS = 5_000;
  private static final String WARMUP = "warmup/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MB = 1 << 20;
  /** Where every materialized row goes, so that the JIT cannot skip making it. */
  private static volatile Object sink;

  /** How the split is read: lazily from the mapping, or copied into memory first. */
  enum Mode { lazy, eager }

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET", description = "the dataset directory")
  Path dataset;

  @Option(names = "--split", paramLabel = "<name>",
      description = "the split to read (default: the only split)")
  String split;

  @Option(names = "--mode", paramLabel = "lazy|eager", defaultValue = "lazy",
      description = "lazy (default) or eager: copy the whole split into memory while opening")
  Mode mode;

  @Option(names = "--json", description = "print one JSON line, as hf_reference.py does")
  boolean json;

  /** What one measurement found; the memory figures in MiB. */
  record Figures(long rows, long bytes, double openS, double firstRowS, double randomRate,
      double sequentialRate, double shuffledRate, double rss, double heapUsed,
      double heapCommitted, double arrow) {}

  @Override
  public Integer call() throws IOException {
    double idle = rssMb();
    Path warmup = extractWarmup();
    Figures first;
    try {
      first = measure(warmup, null, true);
      measure(warmup, null, true);
    } finally {
      deleteTree(warmup);
    }
    // Frees the warm-up's garbage, so that the heap figures after open are the open's.
    System.gc();
    Figures f = measure(dataset, split, false);
    ObjectNode out = JSON.createObjectNode();
    out.put("system", mode == Mode.lazy ? "lazyarrow" : "lazyarrow-eager");
    out.put("rows", f.rows());
    out.put("bytes", f.bytes());
    out.put("open_s", f.openS());
    out.put("first_row_s", f.firstRowS());
    out.put("random_rows_per_s", f.randomRate());
    out.put("seq_rows_per_s", f.sequentialRate());
    out.put("shuffled_rows_per_s", f.shuffledRate());
    out.put("rss_mb_after_open", f.rss());
    out.put("open_first_s", first.openS());
    out.put("rss_mb_idle", idle);
    out.put("heap_mb_after_open", f.heapUsed());
    out.put("heap_mb_committed", f.heapCommitted());
    out.put("arrow_mb_after_open", f.arrow());
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      w.println(JSON.writeValueAsString(out));
    } else {
      out.fields().forEachRemaining(e -> w.printf("%-22s %s%n", e.getKey(), e.getValue()));
    }
    w.flush();
    return 0;
  }

  /**
   * Opens {@code dir} and times the reference's steps. A warm-up reads {@value #WARMUP_ROWS} rows in
   * each pass, going round its small split as often as that takes.
   */
  private Figures measure(Path dir, String splitName, boolean warmup) {
    try (RootAllocator allocator = new RootAllocator()) {
      LazyDataset.Builder builder = LazyDataset.newBuilder().allocator(allocator);
      long start = System.nanoTime();
      try (LazyDataset ds = (mode == Mode.eager ? builder.keepInMemory() : builder).open(dir)) {
        Split s = DumpCommand.chooseSplit(ds, splitName);
        double openS = seconds(start);
        sink = s.get(0);
        double firstRowS = seconds(start);
        double rss = rssMb();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        double arrow = allocator.getAllocatedMemory() / MB;
        long n = s.size();
        SplittableRandom random = new SplittableRandom(1);
        long[] indices = new long[warmup ? WARMUP_ROWS : RANDOM_ROWS];
        for (int i = 0; i < indices.length; i++) {
          indices[i] = random.nextLong(n);
        }
        long t = System.nanoTime();
        for (long i : indices) {
          sink = s.get(i);
        }
        double randomRate = indices.length / seconds(t);
        double sequentialRate = sequential(s, warmup ? WARMUP_ROWS : Math.min(n, SEQUENTIAL_ROWS));
        double shuffledRate = shuffled(s, warmup ? WARMUP_ROWS : Math.min(n, SHUFFLED_ROWS));
        return new Figures(n, s.bytes(), openS, firstRowS, randomRate, sequentialRate,
            shuffledRate, rss, heap.getUsed() / MB, heap.getCommitted() / MB, arrow);
      }
    }
  }

  private static double sequential(Split s, long limit) {
    long t = System.nanoTime();
    long seen = 0;
    while (seen < limit) {
      for (Row row : s) {
        sink = row;
        if (++seen == limit) {
          break;
        }
      }
    }
    return seen / seconds(t);
  }

  /** Reads rows in a seeded permutation of the split, {@value #TAKE} at a time. */
  private static double shuffled(Split s, long limit) {
    long[] order = permutation(s.size(), 0);
    long t = System.nanoTime();
    long seen = 0;
    while (seen < limit) {
      int from = (int) (seen % order.length);
      int count = (int) Math.min(Math.min(TAKE, limit - seen), order.length - from);
      long[] chunk = new long[count];
      System.arraycopy(order, from, chunk, 0, count);
      sink = s.take(chunk);
      seen += count;
    }
    return seen / seconds(t);
  }

  /** Returns 0..n-1 shuffled by Fisher-Yates with a generator seeded with {@code seed}. */
  static long[] permutation(long n, long seed) {
    long[] order = new long[Math.toIntExact(n)];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Returns the resident set size in MiB, as the reference reads it; NaN where /proc is absent. */
  static double rssMb() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines.filter(l -> l.startsWith("VmRSS:")).findFirst()
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024.0).orElse(Double.NaN);
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Copies the bundled warm-up dataset (32 rows made by hf_reference.py) to a temporary folder. */
  private static Path extractWarmup() throws IOException {
    Path dir = Files.createTempDirectory("lazyarrow-warmup");
    for (String file : new String[] {"lazyarrow.json", "train/part-00000.arrow"}) {
      Path target = dir.resolve(file);
      Files.createDirectories(target.getParent());
      try (InputStream in = BenchCommand.class.getResourceAsStream(WARMUP + file)) {
        Files.copy(in, target);
      }
    }
    return dir;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
