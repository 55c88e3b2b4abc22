package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Properties of the epoch orders, the batch plans and the partition, over many sizes and seeds. */
class OrderTest {
  private static void assertPermutation(Sampler sampler, long n) {
    assertEquals(n, sampler.size());
    BitSet seen = new BitSet();
    for (long p = 0; p < n; p++) {
      long row = sampler.row(p);
      assertTrue(row >= 0 && row < n, "row " + row + " of " + n);
      assertTrue(!seen.get((int) row), "row " + row + " twice");
      seen.set((int) row);
    }
  }

  @Test
  void shuffled_everySizeAndSeed_isAPermutation() {
    for (int n = 0; n <= 600; n++) {
      assertPermutation(Samplers.shuffled(n, n * 31L, n % 5), n);
    }
    assertPermutation(Samplers.shuffled(1_000_003, 7, 2), 1_000_003);
  }

  @Test
  void shuffled_epochsAndSeeds_giveDifferentOrders() {
    long n = 10_000;
    long[] a = LongStream.range(0, n).map(Samplers.shuffled(n, 1, 0)::row).toArray();
    long[] b = LongStream.range(0, n).map(Samplers.shuffled(n, 1, 1)::row).toArray();
    long[] c = LongStream.range(0, n).map(Samplers.shuffled(n, 2, 0)::row).toArray();
    long[] again = LongStream.range(0, n).map(Samplers.shuffled(n, 1, 0)::row).toArray();
    assertArrayEquals(a, again, "same seed and epoch: same order, in any process");
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    // A uniform permutation moves a row n/3 positions on average; an identity-like one would not.
    double displacement = 0;
    int fixedPoints = 0;
    for (int p = 0; p < n; p++) {
      displacement += Math.abs(a[p] - p);
      fixedPoints += a[p] == p ? 1 : 0;
    }
    assertEquals(n / 3.0, displacement / n, n * 0.02);
    assertTrue(fixedPoints < 10, "fixed points: " + fixedPoints);
  }

  @Test
  void blockShuffled_randomBatchSizes_isAPermutation() {
    Random random = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int batches = 1 + random.nextInt(40);
      long[] starts = new long[batches + 1];
      for (int b = 0; b < batches; b++) {
        starts[b + 1] = starts[b] + random.nextInt(30); // empty batches too
      }
      long n = starts[batches];
      int window = 1 + random.nextInt(5);
      assertPermutation(Samplers.blockShuffled(starts, window, trial, trial % 3), n);
    }
  }

  @Test
  void blockShuffled_positionsOfAWindow_touchOnlyItsBatches() {
    long[] starts = new long[101];
    for (int b = 0; b < 100; b++) {
      starts[b + 1] = starts[b] + 50;
    }
    int window = 4;
    Sampler sampler = Samplers.blockShuffled(starts, window, 11, 0);
    for (long from = 0; from < 5000; from += 200) { // each window holds 4 batches of 50 rows
      Set<Long> batches = new HashSet<>();
      for (long p = from; p < from + 200; p++) {
        batches.add(sampler.row(p) / 50);
      }
      assertEquals(window, batches.size(), "window at " + from);
    }
  }

  @Test
  void fixedPlan_coversEveryPositionOnce() {
    for (int n = 0; n < 60; n++) {
      for (int size = 1; size < 9; size++) {
        BatchPlan plan = BatchPlan.fixed(n, size, false, false);
        BitSet seen = new BitSet();
        long total = 0;
        for (long b = 0; b < plan.count(); b++) {
          for (long p : plan.positions(b)) {
            assertTrue(!seen.get((int) p));
            seen.set((int) p);
            total++;
          }
        }
        assertEquals(n, total);
        BatchPlan filled = BatchPlan.fixed(n, size, false, true);
        for (long b = 0; b < filled.count(); b++) {
          // Full, or with a batch larger than the epoch each position once: never sized by the
          // batch size alone.
          assertEquals(Math.min(size, n), filled.positions(b).length, "filled batches are full");
        }
        BatchPlan dropped = BatchPlan.fixed(n, size, true, false);
        assertEquals(n / size, dropped.count());
      }
    }
  }

  @Test
  void tokenPlan_holdsTheBudgetAndCoversEveryPositionOnce() {
    Random random = new Random(5);
    for (int trial = 0; trial < 300; trial++) {
      int n = random.nextInt(200);
      int[] lengths = new int[n];
      for (int i = 0; i < n; i++) {
        lengths[i] = random.nextInt(random.nextBoolean() ? 20 : 120);
      }
      long budget = 10 + random.nextInt(300);
      boolean padded = random.nextBoolean();
      int bucket = random.nextBoolean() ? 0 : 1 + random.nextInt(50);
      Sampler order = Samplers.shuffled(n, trial, 0);
      BatchPlan plan = BatchPlan.byTokens(order, lengths, budget, padded, bucket, trial, 1);
      BitSet seen = new BitSet();
      for (long b = 0; b < plan.count(); b++) {
        long[] positions = plan.positions(b);
        assertTrue(positions.length > 0);
        long sum = 0;
        int longest = 0;
        for (long p : positions) {
          assertTrue(!seen.get((int) p), "position " + p + " twice");
          seen.set((int) p);
          int length = lengths[(int) order.row(p)];
          sum += length;
          longest = Math.max(longest, length);
        }
        long cost = padded ? (long) longest * positions.length : sum;
        assertTrue(
            positions.length == 1 || cost <= budget,
            "batch " + b + " costs " + cost + " over " + budget);
      }
      assertEquals(n, seen.cardinality());
    }
  }

  @Test
  void partition_ranksGetEqualCountsAndDisjointBatches() {
    for (long batches = 0; batches < 40; batches++) {
      for (int world = 1; world <= 8; world++) {
        for (boolean dropLast : new boolean[] {false, true}) {
          int[] taken = new int[(int) batches];
          long rounds = -1;
          for (int rank = 0; rank < world; rank++) {
            Partition partition = new Partition(batches, 0, rank, world, dropLast);
            if (rounds >= 0) {
              assertEquals(rounds, partition.rounds(), "every rank gets as many batches");
            }
            rounds = partition.rounds();
            for (long r = 0; r < rounds; r++) {
              taken[(int) partition.batch(r)]++;
            }
          }
          long extra = 0;
          long missing = 0;
          for (int count : taken) {
            extra += Math.max(0, count - 1);
            missing += count == 0 ? 1 : 0;
          }
          if (dropLast) {
            assertEquals(0, extra);
            assertTrue(missing < world);
          } else {
            assertEquals(0, missing);
            assertEquals(rounds * world - batches, extra, "only the last round is padded");
          }
        }
      }
    }
  }

  @Test
  void partition_badRank_isRefusedWithTheRule() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Partition(10, 0, 3, 3, false));
    assertEquals(
        "rank must be in [0, worldSize) with worldSize >= 1, found rank 3 of 3", e.getMessage());
  }

  @Test
  void curriculum_ordersByScoreAndPacesCoverage() {
    double[] scores = new double[1000];
    Random random = new Random(9);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = random.nextInt(50);
    }
    Sampler full = Curriculum.sampler(scores, 1.0, 4, 0);
    assertPermutation(full, 1000);
    for (long p = 1; p < 1000; p++) {
      assertTrue(scores[(int) full.row(p - 1)] <= scores[(int) full.row(p)]);
    }
    assertEquals(750, Curriculum.sampler(scores, Pacing.LINEAR.fraction(0, 2, 0.5), 4, 0).size());
    assertEquals(1.0, Pacing.ROOT.fraction(1, 2, 0.1), 1e-12);
    assertEquals(1.0, Pacing.NONE.fraction(0, 5, 0.1));
    assertTrue(Pacing.ROOT.fraction(0, 4, 0.1) > Pacing.LINEAR.fraction(0, 4, 0.1));
  }
}
