package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixtures over real splits: shares, each source's own order and epochs, sharding, exact and
 * elastic resumption, collation across sources, and the errors of a bad mixture.
 */
class MixtureTest {
  @TempDir static Path tmp;

  private static final List<LazyDataset> OPEN = new ArrayList<>();
  private static Split web;
  private static Split code;
  private static Split books;

  @BeforeAll
  static void open() throws IOException {
    web = corpus("web", 300, 1);
    code = corpus("code", 70, 2);
    books = corpus("books", 1, 3);
  }

  @AfterAll
  static void close() {
    OPEN.forEach(LazyDataset::close);
  }

  /** Writes and converts a JSON Lines corpus of {@code rows} documents: an id and token ids. */
  private static Split corpus(String name, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      int[] ids = random.ints(random.nextInt(20), 0, 1000).toArray();
      lines
          .append("{\"id\": ")
          .append(i)
          .append(", \"input_ids\": ")
          .append(Arrays.toString(ids))
          .append("}\n");
    }
    Path source = tmp.resolve(name + ".jsonl");
    Files.writeString(source, lines);
    Path out = tmp.resolve(name);
    Converter.newBuilder().batchBytes(1 << 10).build().convert(source, out);
    LazyDataset dataset = LazyDataset.open(out);
    OPEN.add(dataset);
    return dataset.split("train");
  }

  private static List<TrainingBatch> epoch(Loader loader) {
    List<TrainingBatch> batches = new ArrayList<>();
    loader.plan().forEachRemaining(batches::add);
    return batches;
  }

  /** Returns each position of the batches as {source, row}, in order. */
  private static List<long[]> positions(List<TrainingBatch> batches) {
    List<long[]> out = new ArrayList<>();
    for (TrainingBatch b : batches) {
      int[] sources = b.sources();
      long[] rows = b.indices();
      for (int i = 0; i < rows.length; i++) {
        out.add(new long[] {sources[i], rows[i]});
      }
    }
    return out;
  }

  @Test
  void blend_everyPrefix_givesEachSourceItsShareWithinOne() {
    Random random = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      int sources = 1 + random.nextInt(12);
      double[] weights = new double[sources];
      long[] rows = new long[sources];
      double sum = 0;
      for (int d = 0; d < sources; d++) {
        weights[d] = random.nextInt(4) == 0 ? random.nextDouble() * 1e-3 : random.nextDouble();
        sum += weights[d];
        rows[d] = 1 + random.nextInt(1000);
      }
      for (int d = 0; d < sources; d++) {
        weights[d] /= sum;
      }
      MixPlan plan = MixPlan.of(rows, weights, false, 0, MixPlan.Length.FIXED, 20_000);
      long[] counts = new long[sources];
      for (int p = 0; p < plan.length(); p++) {
        int d = plan.source(p);
        assertEquals(counts[d], plan.draw(p), "draw of position " + p);
        counts[d]++;
        for (int s = 0; s < sources; s++) {
          double share = weights[s] * (p + 1);
          assertTrue(
              Math.abs(counts[s] - share) <= 1,
              "source " + s + " has " + counts[s] + " of " + (p + 1) + ", its share is " + share);
        }
        if (p % 997 == 0) {
          assertArrayEquals(counts.clone(), plan.drawsBefore(p + 1));
        }
      }
    }
  }

  @Test
  void plan_ofSeveralChunks_givesTheSameSourcesAndDrawsInAnyOrderOfReading() {
    Random random = new Random(5);
    // 300 sources take two bytes a position; 200,000 and 300,000 positions span several chunks.
    for (int sources : new int[] {5, 300}) {
      for (boolean sampled : new boolean[] {false, true}) {
        double[] weights = new double[sources];
        double sum = 0;
        for (int d = 0; d < sources; d++) {
          weights[d] = 0.01 + random.nextDouble();
          sum += weights[d];
        }
        for (int d = 0; d < sources; d++) {
          weights[d] /= sum;
        }
        long[] rows = new long[sources];
        Arrays.fill(rows, 1000);
        int length = sources == 5 ? 300_000 : 200_000;
        MixPlan plan = MixPlan.of(rows, weights, sampled, 3, MixPlan.Length.FIXED, length);
        int[] source = new int[length];
        long[] draw = new long[length];
        long[] counts = new long[sources];
        for (int p = 0; p < length; p++) {
          source[p] = plan.source(p);
          draw[p] = plan.draw(p);
          assertEquals(counts[source[p]]++, draw[p], "draw of position " + p);
          if (!sampled) {
            assertTrue(Math.abs(counts[source[p]] - weights[source[p]] * (p + 1)) <= 1, "" + p);
          }
        }
        for (int d = 0; d < sources; d++) {
          assertEquals(counts[d], plan.total(d), "total of source " + d);
        }
        assertArrayEquals(counts, plan.drawsBefore(length));
        for (int p = length - 1; p >= 0; p -= 1 + random.nextInt(40_000)) {
          assertEquals(source[p], plan.source(p), "backwards, position " + p);
          assertEquals(draw[p], plan.draw(p), "backwards, draw of " + p);
          long[] before = plan.drawsBefore(p);
          assertEquals(draw[p], before[source[p]], "draws before " + p);
        }
        for (int i = 0; i < 2_000; i++) {
          int p = random.nextInt(length);
          assertEquals(source[p], plan.source(p), "at random, position " + p);
          assertEquals(draw[p], plan.draw(p), "at random, draw of " + p);
        }
      }
    }
  }

  @Test
  void plan_ofTheSameCounts_isWalkedOnceForEveryLoader() {
    Mixture mixture = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).build();
    MixPlan first = mixture.plan(new long[] {300, 70});
    assertTrue(first == mixture.plan(new long[] {300, 70}), "the same counts, the same plan");
    MixPlan other = mixture.plan(new long[] {300, 40});
    assertTrue(first != other, "other counts, another plan");
    assertEquals(40, other.total(1));
  }

  @Test
  void sample_hundredThousandPositions_givesSharesWithinOnePercent() {
    double[] weights = {0.5, 0.3, 0.15, 0.05};
    MixPlan plan =
        MixPlan.of(new long[] {10, 10, 10, 10}, weights, true, 42, MixPlan.Length.FIXED, 100_000);
    for (int d = 0; d < weights.length; d++) {
      double share = plan.total(d) / 100_000.0;
      assertTrue(Math.abs(share - weights[d]) < 0.01, "source " + d + " got " + share);
    }
    MixPlan other =
        MixPlan.of(new long[] {10, 10, 10, 10}, weights, true, 43, MixPlan.Length.FIXED, 100_000);
    long same = 0;
    for (int p = 0; p < 100_000; p++) {
      same += plan.source(p) == other.source(p) ? 1 : 0;
    }
    assertTrue(same < 60_000, "another seed draws another pattern: " + same + " positions agree");
  }

  @Test
  void lengths_exhaustionRules_stopWhereDatasetsStops() {
    Mixture first = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).build();
    MixPlan plan = first.plan(new long[] {300, 70});
    assertEquals(70, plan.total(1), "first_exhausted stops when code is used up");
    assertTrue(plan.total(0) >= 69 && plan.total(0) <= 71, "web has " + plan.total(0));
    Mixture all = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).allExhausted().build();
    MixPlan whole = all.plan(new long[] {300, 70});
    assertEquals(300, whole.total(0), "all_exhausted stops when web is used up too");
    assertTrue(whole.total(1) >= 299, "code is repeated: " + whole.total(1));
  }

  @Test
  void mixture_shuffled_drawsEachSourceOncePerSourceEpochInItsOwnOrder() {
    Mixture mixture = Mixture.newBuilder().add(web, 0.6).add(code, 0.4).length(1000).build();
    Loader loader = Loader.newBuilder(mixture).shuffle(11).batchSize(16).build();
    Map<Integer, List<Long>> drawn = new HashMap<>();
    for (int epoch = 0; epoch < 2; epoch++) {
      for (long[] p : positions(epoch(loader))) {
        drawn.computeIfAbsent((int) p[0], d -> new ArrayList<>()).add(p[1]);
      }
    }
    Split[] splits = {web, code};
    for (int d = 0; d < 2; d++) {
      List<Long> rows = drawn.get(d);
      long n = splits[d].size();
      for (int start = 0; start + n <= rows.size(); start += (int) n) {
        int sourceEpoch = (int) (start / n);
        Sampler own = Samplers.shuffled(n, Sources.sourceSeed(11, d), sourceEpoch);
        for (int i = 0; i < n; i++) {
          assertEquals(own.row(i), rows.get(start + i), "source " + d + " draw " + (start + i));
        }
      }
      assertTrue(rows.size() > 2 * n, "source " + d + " went through its epochs: " + rows.size());
    }
  }

  @Test
  void mixtureOfOneSource_equalsThatSourcesLoader() {
    List<Function<LoaderBuilder, LoaderBuilder>> configs =
        List.of(
            b -> b.batchSize(7),
            b -> b.shuffle(5).batchSize(32).dropLast(),
            b -> b.blockShuffle(5, 2).batchSize(9),
            b -> b.shuffle(5).tokenBudget(60, "input_ids"));
    for (Function<LoaderBuilder, LoaderBuilder> config : configs) {
      Mixture one = Mixture.newBuilder().add(web, 1).build();
      Loader mixed = config.apply(Loader.newBuilder(one)).build();
      Loader plain = config.apply(Loader.newBuilder(web)).build();
      for (int epoch = 0; epoch < 2; epoch++) {
        List<TrainingBatch> a = epoch(mixed);
        List<TrainingBatch> b = epoch(plain);
        assertEquals(b.size(), a.size());
        for (int i = 0; i < a.size(); i++) {
          assertArrayEquals(b.get(i).indices(), a.get(i).indices(), "batch " + i);
        }
      }
    }
  }

  @Test
  void ranks_oneThreeAndEight_coverEveryPositionOnce() {
    Mixture mixture =
        Mixture.newBuilder().add(web, 0.7).add(code, 0.2).add(books, 0.1).length(1000).build();
    Map<Long, String> whole = new HashMap<>();
    for (TrainingBatch b : epoch(Loader.newBuilder(mixture).shuffle(3).batchSize(10).build())) {
      whole.put(b.step(), Arrays.toString(b.sources()) + Arrays.toString(b.indices()));
    }
    assertEquals(100, whole.size());
    for (int world : new int[] {1, 3, 8}) {
      Map<Long, String> seen = new HashMap<>();
      int handedOut = 0;
      for (int rank = 0; rank < world; rank++) {
        Loader loader =
            Loader.newBuilder(mixture).shuffle(3).batchSize(10).shard(rank, world).build();
        for (TrainingBatch b : epoch(loader)) {
          String content = Arrays.toString(b.sources()) + Arrays.toString(b.indices());
          String earlier = seen.putIfAbsent(b.step(), content);
          assertTrue(earlier == null || earlier.equals(content), "batch " + b.step());
          handedOut++;
        }
      }
      assertEquals(whole, seen, "world " + world);
      // The last round is padded with the epoch's first batches, as DistributedSampler pads.
      assertEquals((100 + world - 1) / world * world, handedOut, "world " + world);
    }
  }

  @Test
  void resume_stoppedOnFourRanksResumedOnTwo_yieldsExactlyTheRemainingPositions() {
    Mixture mixture =
        Mixture.newBuilder()
            .add(web, 0.5)
            .add(code, 0.3)
            .add(books, 0.2)
            .sample(9)
            .length(800)
            .build();
    Function<LoaderBuilder, LoaderBuilder> config = b -> b.shuffle(4).batchSize(8).dropLast();
    List<String> all = new ArrayList<>();
    for (TrainingBatch b : epoch(config.apply(Loader.newBuilder(mixture)).build())) {
      all.add(Arrays.toString(b.sources()) + Arrays.toString(b.indices()));
    }
    LoaderState saved = null;
    List<String> before = new ArrayList<>();
    for (int rank = 0; rank < 4; rank++) {
      Loader loader = config.apply(Loader.newBuilder(mixture)).shard(rank, 4).build();
      var it = loader.plan();
      for (int i = 0; i < 6; i++) {
        TrainingBatch b = it.next();
        before.add(Arrays.toString(b.sources()) + Arrays.toString(b.indices()));
      }
      saved = LoaderState.fromJson(loader.state().toJson());
    }
    List<String> after = new ArrayList<>();
    for (int rank = 0; rank < 2; rank++) {
      Loader loader = Loader.newBuilder(mixture).resume(saved).shard(rank, 2).build();
      for (TrainingBatch b : epoch(loader)) {
        after.add(Arrays.toString(b.sources()) + Arrays.toString(b.indices()));
      }
    }
    List<String> joined = new ArrayList<>(before);
    joined.addAll(after);
    joined.sort(null);
    List<String> expected = new ArrayList<>(all);
    expected.sort(null);
    assertEquals(expected, joined);
    assertEquals(all.subList(24, all.size()).size(), after.size());
  }

  @Test
  void collation_acrossSources_readsEachRowFromItsSource() {
    Mixture mixture = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).length(64).build();
    Loader loader =
        Loader.newBuilder(mixture)
            .shuffle(2)
            .batchSize(16)
            .columns("id", "input_ids")
            .prefetch(2)
            .build();
    Split[] splits = {web, code};
    try (loader) {
      int batches = 0;
      for (TrainingBatch b : loader) {
        List<Object> lists = b.rows().stream().map(r -> r.get("input_ids")).toList();
        long[] ids = b.longs("id");
        int[] sources = b.sources();
        long[] rows = b.indices();
        for (int i = 0; i < rows.length; i++) {
          assertEquals(splits[sources[i]].get(rows[i]).get("input_ids"), lists.get(i));
          assertEquals(rows[i], ids[i], "each corpus's ids are its row numbers");
        }
        batches++;
      }
      assertEquals(4, batches);
    }
  }

  @Test
  void rows_ofAMixedBatch_comeFromEachRowsSource() {
    Mixture mixture = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).length(40).build();
    Split[] splits = {web, code};
    for (TrainingBatch b : epoch(Loader.newBuilder(mixture).shuffle(8).batchSize(10).build())) {
      for (int i = 0; i < b.size(); i++) {
        assertEquals(
            splits[b.sources()[i]].get(b.indices()[i]).get("id"), b.rows().get(i).get("id"));
      }
    }
  }

  @Test
  void resume_overAnotherMixture_namesTheSourceThatChanged() {
    Mixture saved = Mixture.newBuilder().add(web, 0.5).add(code, 0.5).length(100).build();
    Loader loader = Loader.newBuilder(saved).batchSize(4).build();
    loader.plan().next();
    LoaderState state = loader.state();
    Mixture reweighted = Mixture.newBuilder().add(web, 0.6).add(code, 0.4).length(100).build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Loader.newBuilder(reweighted).resume(state).build());
    assertTrue(e.getMessage().contains("source 0 changed"), e.getMessage());
    IllegalArgumentException single =
        assertThrows(IllegalArgumentException.class, () -> Loader.newBuilder(web).resume(state));
    assertTrue(single.getMessage().contains("mixture"), single.getMessage());
  }

  @Test
  void badMixtures_areRefusedWithTheRuleAndTheValue() {
    for (double weight : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Mixture.newBuilder().add(web, weight));
      assertTrue(e.getMessage().contains(String.valueOf(weight)), e.getMessage());
    }
    IllegalStateException zero =
        assertThrows(
            IllegalStateException.class,
            () -> Mixture.newBuilder().add(web, 0).add(code, 0).build());
    assertTrue(zero.getMessage().contains("every weight is zero"), zero.getMessage());
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class, () -> Mixture.newBuilder().add(web, 1).add(web, 2));
    assertTrue(twice.getMessage().contains("source 1 is source 0 again"), twice.getMessage());
    IllegalStateException columns =
        assertThrows(
            IllegalStateException.class,
            () -> Mixture.newBuilder().add(web, 1).add(code.select("input_ids"), 1).build());
    assertTrue(columns.getMessage().contains("source 1"), columns.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Mixture.newBuilder().length(0));
    // datasets' own empty save_to_disk folder.
    LazyDataset emptyDataset =
        LazyDataset.open(Fixtures.convert("save_empty", tmp.resolve("empty")));
    OPEN.add(emptyDataset);
    Split empty = emptyDataset.splits().get(0);
    assertEquals(0, empty.size());
    IllegalArgumentException noRows =
        assertThrows(
            IllegalArgumentException.class, () -> Mixture.newBuilder().add(web, 1).add(empty, 1));
    assertTrue(noRows.getMessage().contains("no rows"), noRows.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> Loader.newBuilder(Mixture.newBuilder().add(web, 1).build()).curriculum("id", 1));
  }
}
