package dev.lazyarrow.bench;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.PackedLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The cost of planning an epoch of packed samples (issue 21's target: under 2 s and 100 MB for 8M
 * documents): opens a split, then for each round builds a concatenating {@link PackedLoader} over
 * its {@code input_ids} with a seeded shuffle and asks it for the epoch's samples, which plans the
 * epoch. Prints, a JSON line a round, the seconds of build and plan (wall clock, and the CPU time
 * of all the process's threads), the live heap the loader holds (after a full GC, against the heap
 * before it), per document, and the resident set size before and after, with its anonymous part
 * (the heap and native memory the process took) apart from its file part (pages of the mapped
 * shards the plan touched, which the kernel can drop).
 *
 * <pre>
 * java -cp benchmarks.jar dev.lazyarrow.bench.PackingBuild DATASET [SPLIT] [ROUNDS] [SEQ_LEN]
 * </pre>
 *
 * <p>Each round plans the same epoch in a new loader; the first runs in a cold JVM, the later ones
 * with the planning compiled.
 */
public final class PackingBuild {
  private static final double MB = 1 << 20;

  private PackingBuild() {}

  /** Runs the rounds on {@code args[0]}'s split {@code args[1]} (default train). */
  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 4) {
      System.err.println("usage: PackingBuild DATASET [SPLIT] [ROUNDS] [SEQ_LEN]");
      System.exit(2);
    }
    String splitName = args.length > 1 ? args[1] : "train";
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    int seqLen = args.length > 3 ? Integer.parseInt(args[3]) : 2048;
    try (LazyDataset dataset = LazyDataset.open(Path.of(args[0]))) {
      Split split = dataset.split(splitName);
      for (int round = 0; round < rounds; round++) {
        long before = liveHeap();
        double rssBefore = rssMb("VmRSS");
        double anonBefore = rssMb("RssAnon");
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        try (PackedLoader loader =
            Loader.newBuilder(split).shuffle(0).batchSize(8).pack(seqLen, "input_ids").build()) {
          long samples = loader.samplesPerEpoch();
          double seconds = (System.nanoTime() - start) / 1e9;
          double cpu = (cpuNanos() - cpuStart) / 1e9;
          double rssAfter = rssMb("VmRSS");
          double anonAfter = rssMb("RssAnon");
          double fileAfter = rssMb("RssFile");
          long held = liveHeap() - before;
          System.out.printf(
              Locale.ROOT,
              "{\"round\": %d, \"documents\": %d, \"seq_len\": %d, \"samples\": %d,"
                  + " \"build_and_plan_s\": %.3f, \"cpu_s\": %.3f, \"heap_held_mb\": %.1f,"
                  + " \"heap_bytes_per_document\": %.2f, \"rss_mb_before\": %.0f,"
                  + " \"rss_mb_after\": %.0f, \"rss_anon_mb_before\": %.0f,"
                  + " \"rss_anon_mb_after\": %.0f, \"rss_file_mb_after\": %.0f}%n",
              round,
              split.size(),
              seqLen,
              samples,
              seconds,
              cpu,
              held / MB,
              (double) held / split.size(),
              rssBefore,
              rssAfter,
              anonBefore,
              anonAfter,
              fileAfter);
        }
      }
    }
  }

  /**
   * Returns the CPU time the process has used, all threads: on a machine shared with other work, a
   * steadier measure of the build's cost than the wall clock.
   */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Returns the heap in use after a full collection, which leaves only what is reachable. */
  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Returns the line {@code key} of /proc/self/status (a size in kB) in MiB; NaN if absent. */
  private static double rssMb(String key) throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return Double.NaN;
    }
    try (Stream<String> lines = Files.lines(status)) {
      return lines
          .filter(l -> l.startsWith(key + ":"))
          .findFirst()
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024.0)
          .orElse(Double.NaN);
    }
  }
}
