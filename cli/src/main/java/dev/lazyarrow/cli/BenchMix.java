package dev.lazyarrow.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.Mixture;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code bench --mix}: the train and packed passes over a mixture and over its source 0 alone, in
 * turns in the same run, so that what mixing costs is the ratio of the two (issue 22's target:
 * within 10%). Each pass runs {@value #ROUNDS} times on each, alternating, and keeps its best rate,
 * so that a burst of load on a shared machine does not decide the ratio.
 */
final class BenchMix {
  /** The passes a mixture runs: the loaders' two. */
  static final List<String> PASSES = List.of("train", "packed");

  private static final int ROUNDS = 5;

  private BenchMix() {}

  /**
   * Puts the figures of {@code passes} over {@code mixture} and its source 0 into {@code out},
   * after warming them up on a mixture of the bundled dataset {@code warmup} with itself.
   */
  static void measure(
      Mixture mixture,
      List<String> passes,
      Function<Path, LazyDataset> open,
      Path warmup,
      int warmupRows,
      ObjectNode out) {
    if (warmupRows > 0) {
      warmUp(open, warmup, warmupRows);
    }
    Split first = mixture.sources().get(0);
    boolean train =
        passes.contains("train") && first.columnNames().containsAll(BenchCommand.TRAIN_COLUMNS);
    boolean packed =
        passes.contains("packed") && first.columnNames().contains(BenchCommand.PACK_COLUMN);
    double[] rates = new double[2];
    BenchPasses.Packed[] packs = new BenchPasses.Packed[2];
    long trainRows = Math.min(first.size(), BenchCommand.TRAIN_ROWS);
    long documents = Math.min(first.size(), BenchCommand.PACK_DOCUMENTS);
    Mixture trained = train ? select(mixture) : null;
    for (int round = 0; round < ROUNDS; round++) {
      if (train) {
        rates[0] = Math.max(rates[0], BenchPasses.train(first, trainRows));
        rates[1] =
            Math.max(rates[1], BenchPasses.train(() -> Loader.newBuilder(trained), trainRows));
      }
      if (packed) {
        // The mixture packs each source's documents when the source is first drawn: one batch
        // before the clock, on both sides, keeps that out of the timing as the source's build is.
        packs[0] =
            best(
                packs[0],
                BenchPasses.packed(
                    () -> Loader.newBuilder(first),
                    0,
                    BenchPasses.batchesOf(first, documents),
                    BenchCommand.PACK_SEQ_LEN,
                    1));
        long batches = packs[0] == null ? 1 : packs[0].batches();
        packs[1] =
            best(
                packs[1],
                BenchPasses.packed(
                    () -> Loader.newBuilder(mixture),
                    0,
                    s -> batches,
                    BenchCommand.PACK_SEQ_LEN,
                    1));
      }
    }
    out.put("train_rows_per_s", train ? rates[1] : null);
    out.put("single_train_rows_per_s", train ? rates[0] : null);
    out.put("train_ratio", train ? rates[1] / rates[0] : null);
    out.put("packed_tokens_per_s", tokensPerS(packs[1]));
    out.put("single_packed_tokens_per_s", tokensPerS(packs[0]));
    out.put(
        "packed_ratio",
        packs[0] == null || packs[1] == null
            ? null
            : packs[1].tokensPerS() / packs[0].tokensPerS());
    out.put("packed_build_s", packs[1] == null ? null : packs[1].buildS());
    out.put("single_packed_build_s", packs[0] == null ? null : packs[0].buildS());
  }

  /** Runs both passes over the bundled dataset and a mixture of it with itself, twice. */
  private static void warmUp(Function<Path, LazyDataset> open, Path warmup, int rows) {
    try (LazyDataset a = open.apply(warmup);
        LazyDataset b = open.apply(warmup)) {
      Split one = a.splits().get(0);
      Mixture two = Mixture.newBuilder().add(one, 1).add(b.splits().get(0), 1).build();
      Mixture trained = select(two);
      for (int round = 0; round < 2; round++) {
        BenchPasses.train(one, rows);
        BenchPasses.train(() -> Loader.newBuilder(trained), rows);
        BenchPasses.packed(one, 0, rows, BenchCommand.WARMUP_SEQ_LEN);
        BenchPasses.packed(
            () -> Loader.newBuilder(two),
            0,
            s -> Math.max(1, s / 2),
            BenchCommand.WARMUP_SEQ_LEN,
            1);
      }
    }
  }

  /**
   * Returns {@code mixture} over its sources projected on the train pass's columns, as the
   * single-source pass projects its split before the clock starts.
   */
  private static Mixture select(Mixture mixture) {
    Mixture.Builder b = Mixture.newBuilder();
    String[] columns = BenchCommand.TRAIN_COLUMNS.toArray(String[]::new);
    for (int d = 0; d < mixture.sources().size(); d++) {
      b.add(mixture.sources().get(d).select(columns), mixture.weight(d));
    }
    if ("sample".equals(mixture.mode())) {
      b.sample(mixture.seed());
    }
    switch (mixture.length()) {
      case "first_exhausted" -> b.firstExhausted();
      case "all_exhausted" -> b.allExhausted();
      default -> b.length(Long.parseLong(mixture.length()));
    }
    return b.build();
  }

  private static BenchPasses.Packed best(BenchPasses.Packed a, BenchPasses.Packed b) {
    return a == null || (b != null && b.tokensPerS() > a.tokensPerS()) ? b : a;
  }

  private static Double tokensPerS(BenchPasses.Packed p) {
    return p == null ? null : p.tokensPerS();
  }
}
