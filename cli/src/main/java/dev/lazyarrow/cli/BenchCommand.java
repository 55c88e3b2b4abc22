package dev.lazyarrow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.ReadMode;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Mixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code bench} command. */
@Command(
    name = "bench",
    header = "Time what a training loop does, as hf_reference.py times datasets.",
    description = {
      "Prints open and first-row times, then the rates of 20,000 uniformly random rows, up to"
          + " 500,000 sequential rows and up to 200,000 rows in a seeded shuffled order, every"
          + " column of every row materialized into Java values, and the memory after open; then"
          + " up to 200,000 rows as a token classifier trains on them (train_rows_per_s): shuffled"
          + " batches of 1,000 of the split projected on input_ids and label, input_ids padded into"
          + " an int matrix with a mask, label as a long array (null for a split without those"
          + " columns); then packed_tokens_per_s: GPT pretraining samples of 2048 + 1 tokens, 8 a"
          + " batch with their document boundaries, from input_ids in a seeded shuffle, as many"
          + " as 200,000 documents make, 2048 tokens counted a sample (packed_build_s: the"
          + " seconds the packed loader took to plan the epoch, before the clock).",
      "A first open of a small bundled dataset loads the classes, as the reference imports datasets"
          + " before its clock starts (open_first_s times it); the timed passes run on that dataset"
          + " first, so that the JIT has compiled them (--warmup-rows rows each, twice; also read"
          + " by ranges unless --read-mode mapped, so that the range path is compiled too). The"
          + " packed pass also runs once untimed on the measured split in another seeded order"
          + " (seed 1; the timed pass's is 0), since the bundled rows hold no batch of its"
          + " samples.",
      "--mode eager copies the whole split into memory while opening (keepInMemory), as eager "
          + "loaders do, then measures the same work.",
      "--passes runs only some of the passes (the others print null), so that each can be timed"
          + " right after the page cache is dropped (benchmarks/cold.sh); random_read_bytes_per_row"
          + " and train_read_bytes_per_row are what the process read from disk per row in those"
          + " passes (/proc/self/io).",
      "--mix DATASET[#SPLIT]=WEIGHT ... (as plan takes it, with --mix-mode and --mix-length) runs"
          + " the train and packed passes over the mixture and over its source 0 alone, twice"
          + " each in turns, keeping each one's best: train_rows_per_s and packed_tokens_per_s"
          + " are the mixture's, single_train_rows_per_s and single_packed_tokens_per_s the"
          + " source's, train_ratio and packed_ratio the first over the second (the packed pass"
          + " over the mixture makes as many batches as over the source)."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  lazyarrow bench emotion --split train",
      "  lazyarrow bench emotion --split train --mode eager --json",
      "  lazyarrow bench big --passes random,train --threads 32 --read-mode ranges",
      "  lazyarrow bench --mix web#train=0.7 --mix code#train=0.3 --json"
    })
final class BenchCommand implements Callable<Integer> {
  static final int RANDOM_ROWS = 20_000;
  static final long SEQUENTIAL_ROWS = 500_000;
  static final long SHUFFLED_ROWS = 200_000;
  static final long TRAIN_ROWS = 200_000;

  /** The documents of the packed pass, as the reference's. */
  static final long PACK_DOCUMENTS = 200_000;

  /** The tokens a packed sample's inputs hold: the reference's {@code SEQ_LEN}. */
  static final int PACK_SEQ_LEN = 2048;

  /** The samples of a packed batch. */
  static final int PACK_BATCH = 8;

  /** The token column the packed pass reads; a split without it has no packed figure. */
  static final String PACK_COLUMN = "input_ids";

  /** The sample length of the warm-up's packed pass: the bundled 32 rows hold 4 of 2048. */
  static final int WARMUP_SEQ_LEN = 64;

  /** The columns a token classifier reads; a split without them has no train figure. */
  static final List<String> TRAIN_COLUMNS = List.of("input_ids", "label");

  /** The batch size of the reference's {@code ds.iter(batch_size=1000)}. */
  static final int TAKE = 1000;

  /** The rows of each warm-up pass by default: enough for the JIT to compile the row paths. */
  static final int WARMUP_ROWS = 20_000;

  private static final String WARMUP = "warmup/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MB = 1 << 20;

  /** How the split is read: lazily from the mapping, or copied into memory first. */
  enum Mode {
    lazy,
    eager
  }

  @Spec CommandSpec spec;

  @Mixin ReadOptions input;

  @Option(
      names = "--mode",
      paramLabel = "lazy|eager",
      defaultValue = "lazy",
      description = "lazy (default) or eager: copy the whole split into memory while opening")
  Mode mode;

  @Mixin ReadModeOption readMode;

  /** The passes, in the order they run. */
  static final List<String> PASSES = List.of("random", "seq", "shuffled", "train", "packed");

  @Option(
      names = "--passes",
      paramLabel = "<pass>[,<pass>...]",
      split = ",",
      description =
          "the passes to run, of random, seq, shuffled, train and packed (default: all; with --mix,"
              + " train and packed, the only ones it runs)")
  List<String> passes;

  @Option(
      names = "--threads",
      paramLabel = "<n>",
      defaultValue = "1",
      description = "threads reading the random pass's rows at once (default 1, as the reference)")
  int threads;

  @Option(
      names = "--warmup-rows",
      paramLabel = "<n>",
      defaultValue = "" + WARMUP_ROWS,
      description =
          "rows of each warm-up pass on the bundled dataset before the clock starts (default"
              + " 20,000; 0 times the passes in a cold JVM)")
  int warmupRows;

  @Option(names = "--json", description = "print one JSON line, as hf_reference.py does")
  boolean json;

  @Option(
      names = "--verify-checksums",
      description =
          "check each batch's CRC32C on its first load (LazyDataset.Builder.verifyChecksums)")
  boolean verifyChecksums;

  @Override
  public Integer call() throws IOException {
    boolean mixed = input.mix != null;
    List<String> passes = this.passes != null ? this.passes : mixed ? BenchMix.PASSES : PASSES;
    for (String pass : passes) {
      if (!PASSES.contains(pass)) {
        throw new IllegalArgumentException(
            "--passes takes " + String.join(", ", PASSES) + "; not '" + pass + "'");
      }
      if (mixed && !BenchMix.PASSES.contains(pass)) {
        throw new IllegalArgumentException(
            "with --mix, --passes takes " + String.join(", ", BenchMix.PASSES) + "; not '" + pass
                + "'");
      }
    }
    if (threads < 1) {
      throw new IllegalArgumentException("--threads must be at least 1: " + threads);
    }
    if (warmupRows < 0) {
      throw new IllegalArgumentException("--warmup-rows must be at least 0: " + warmupRows);
    }
    ObjectNode out = JSON.createObjectNode();
    double[] bytesPerRow = {Double.NaN, Double.NaN};
    double idle = rssMb();
    Path warmup = extractWarmup();
    try (RootAllocator allocator = new RootAllocator()) {
      long start = System.nanoTime();
      double openFirst;
      try (LazyDataset small = open(new DatasetLocation(warmup.toString()), allocator)) {
        openFirst = BenchPasses.seconds(start);
        BenchPasses.sink = small.splits().get(0).get(0);
      }
      // Frees what the first open left behind, so that the figures after open are the open's.
      System.gc();
      start = System.nanoTime();
      try (ReadOptions.Input in = input.open(builder(allocator), 0, null)) {
        double openS = BenchPasses.seconds(start);
        if (mixed) {
          Mixture m = in.mixture();
          out.put("system", mode == Mode.lazy ? "lazyarrow" : "lazyarrow-eager");
          out.put("sources", m.sources().size());
          out.put("rows", m.sources().stream().mapToLong(Split::size).sum());
          out.put("open_s", openS);
          BenchMix.measure(
              m,
              passes,
              dir -> open(new DatasetLocation(dir.toString()), allocator),
              warmup,
              warmupRows,
              out);
          print(out);
          return 0;
        }
        Split s = in.split();
        BenchPasses.sink = s.get(0);
        double firstRowS = BenchPasses.seconds(start);
        double rss = rssMb();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        double arrow = allocator.getAllocatedMemory() / MB;
        warmUp(warmup, allocator);
        long n = s.size();
        out.put("system", mode == Mode.lazy ? "lazyarrow" : "lazyarrow-eager");
        out.put("rows", n);
        out.put("bytes", s.bytes());
        out.put("open_s", openS);
        out.put("first_row_s", firstRowS);
        if (passes.contains("random")) {
          long read = DiskReads.bytes();
          out.put("random_rows_per_s", BenchPasses.random(s, RANDOM_ROWS, threads));
          bytesPerRow[0] = DiskReads.perRow(read, RANDOM_ROWS);
        } else {
          out.putNull("random_rows_per_s");
        }
        put(
            out,
            "seq_rows_per_s",
            passes.contains("seq"),
            () -> BenchPasses.sequential(s, Math.min(n, SEQUENTIAL_ROWS)));
        put(
            out,
            "shuffled_rows_per_s",
            passes.contains("shuffled"),
            () -> BenchPasses.shuffled(s, Math.min(n, SHUFFLED_ROWS)));
        if (passes.contains("train") && s.columnNames().containsAll(TRAIN_COLUMNS)) {
          long read = DiskReads.bytes();
          long rows = Math.min(n, TRAIN_ROWS);
          out.put("train_rows_per_s", BenchPasses.train(s, rows));
          bytesPerRow[1] = DiskReads.perRow(read, rows);
        } else {
          out.putNull("train_rows_per_s");
        }
        boolean packs = passes.contains("packed") && s.columnNames().contains(PACK_COLUMN);
        // The bundled rows hold no batch of 2048-token samples: the JIT compiles the packed path
        // for them on an untimed pass of this split in another order. The build figure stays that
        // of the first loader, as it was before this pass: the second plans with its scan compiled.
        BenchPasses.Packed first =
            packs && warmupRows > 0
                ? BenchPasses.packed(s, 1, Math.min(n, PACK_DOCUMENTS), PACK_SEQ_LEN)
                : null;
        BenchPasses.Packed packed =
            packs ? BenchPasses.packed(s, 0, Math.min(n, PACK_DOCUMENTS), PACK_SEQ_LEN) : null;
        double buildS =
            first != null ? first.buildS() : packed != null ? packed.buildS() : Double.NaN;
        out.put("packed_tokens_per_s", packed == null ? null : packed.tokensPerS());
        out.put("rss_mb_after_open", rss);
        out.put("open_first_s", openFirst);
        out.put("rss_mb_idle", idle);
        out.put("heap_mb_after_open", heap.getUsed() / MB);
        out.put("heap_mb_committed", heap.getCommitted() / MB);
        out.put("arrow_mb_after_open", arrow);
        out.put("random_read_bytes_per_row", bytesPerRow[0]);
        out.put("train_read_bytes_per_row", bytesPerRow[1]);
        out.put("packed_build_s", packed == null ? null : buildS);
      }
    } finally {
      deleteTree(warmup);
    }
    print(out);
    return 0;
  }

  private void print(ObjectNode out) throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      w.println(JSON.writeValueAsString(out));
    } else {
      out.fields().forEachRemaining(e -> w.printf("%-22s %s%n", e.getKey(), e.getValue()));
    }
    w.flush();
  }

  private LazyDataset open(DatasetLocation dir, RootAllocator allocator) {
    return dir.open(builder(allocator));
  }

  private LazyDataset.Builder builder(RootAllocator allocator) {
    LazyDataset.Builder builder = readMode.builder().allocator(allocator);
    if (verifyChecksums) {
      builder.verifyChecksums();
    }
    return mode == Mode.eager ? builder.keepInMemory() : builder;
  }

  /**
   * Runs the timed passes on the small dataset, twice, so that the JIT has compiled them: Python,
   * the reference's runtime, has nothing to warm. The passes go round its 32 rows.
   */
  private void warmUp(Path dir, RootAllocator allocator) {
    if (warmupRows == 0) {
      return;
    }
    try (LazyDataset small = open(new DatasetLocation(dir.toString()), allocator)) {
      Split s = small.splits().get(0);
      for (int round = 0; round < 2; round++) {
        BenchPasses.random(s, warmupRows, threads);
        BenchPasses.sequential(s, warmupRows);
        BenchPasses.shuffled(s, warmupRows);
        BenchPasses.train(s, warmupRows);
        BenchPasses.packed(s, 0, warmupRows, WARMUP_SEQ_LEN);
      }
    }
    // AUTO maps the small dataset, which is resident, so the passes above never take the range
    // path that reads a cold dataset's scattered rows: its first thousands of rows would run
    // uncompiled inside the timed passes.
    if (mode == Mode.lazy && readMode.value() != ReadMode.MAPPED) {
      try (LazyDataset small =
          LazyDataset.newBuilder().readMode(ReadMode.RANGES).allocator(allocator).open(dir)) {
        Split s = small.splits().get(0);
        for (int round = 0; round < 2; round++) {
          BenchPasses.random(s, warmupRows, threads);
          BenchPasses.train(s, warmupRows);
        }
      }
    }
  }

  /** Puts a pass's figure, or null if the pass is not run. */
  private static void put(ObjectNode out, String key, boolean run, DoubleSupplier pass) {
    if (run) {
      out.put(key, pass.getAsDouble());
    } else {
      out.putNull(key);
    }
  }

  /** Returns the resident set size in MiB, as the reference reads it; NaN where /proc is absent. */
  static double rssMb() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(l -> l.startsWith("VmRSS:"))
          .findFirst()
          .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024.0)
          .orElse(Double.NaN);
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
