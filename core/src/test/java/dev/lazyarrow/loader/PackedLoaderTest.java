package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.testing.Fixtures;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packed samples over a corpus of 3,000 documents whose tokens say where they come from: the stream
 * holds every token once in the loader's order, the arrays agree with the spans, ranks cover every
 * sample, runs resume exactly on another number of ranks, and bins hold every document.
 */
class PackedLoaderTest {
  @TempDir static Path tmp;

  private static PackedCorpus corpus;

  @BeforeAll
  static void write() {
    corpus = PackedCorpus.write(tmp, 3000, 7);
  }

  @AfterAll
  static void close() {
    corpus.close();
  }

  private static List<int[]> samples(PackedLoader loader) {
    List<int[]> out = new ArrayList<>();
    for (PackedBatch b : loader) {
      for (int i = 0; i < b.size(); i++) {
        int[] sample = new int[b.seqLen() + 1];
        b.tokens().get(i * (b.seqLen() + 1), sample);
        out.add(sample);
      }
    }
    return out;
  }

  @Test
  void concat_laysTheEpochsDocumentsEndToEnd_everyTokenOnceInTheLoadersOrder() {
    record Case(String name, Function<LoaderBuilder, LoaderBuilder> order, int eod) {}
    for (Case c :
        List.of(
            new Case("sequential", b -> b, -1),
            new Case("shuffle", b -> b.shuffle(11), PackedCorpus.EOD),
            new Case("block", b -> b.blockShuffle(5, 2), PackedCorpus.EOD),
            new Case("epoch 3", b -> b.shuffle(11).epoch(3), -1))) {
      int seqLen = 128;
      long[] order = PackedCorpus.order(c.order().apply(Loader.newBuilder(corpus.split)).build());
      int[] stream = corpus.stream(order, c.eod());
      PackedLoaderBuilder builder =
          c.order().apply(Loader.newBuilder(corpus.split)).batchSize(8).pack(seqLen, "input_ids");
      if (c.eod() >= 0) {
        builder.eod(c.eod());
      }
      PackedLoader loader = builder.build();
      long samples = (stream.length - 1) / seqLen;
      assertEquals(samples, loader.samplesPerEpoch(), c.name());
      List<int[]> got = samples(loader);
      assertEquals(samples, got.size(), c.name());
      for (int g = 0; g < got.size(); g++) {
        int[] expected = new int[seqLen + 1];
        System.arraycopy(stream, g * seqLen, expected, 0, seqLen + 1);
        assertArrayEquals(expected, got.get(g), c.name() + " sample " + g);
      }
    }
  }

  @Test
  void everyBatch_spansIdsMaskAndBoundariesAgreeWithTheTokens() {
    for (boolean bins : new boolean[] {false, true}) {
      PackedLoaderBuilder builder =
          Loader.newBuilder(corpus.split)
              .shuffle(2)
              .batchSize(4)
              .pack(256, "input_ids")
              .eod(PackedCorpus.EOD)
              .eodMaskLoss();
      if (bins) {
        builder.bestFit(200);
      }
      int checked = 0;
      for (PackedBatch b : builder.build()) {
        for (int i = 0; i < b.size(); i++) {
          check(b, i, bins);
          checked++;
        }
      }
      assertTrue(checked > 500, "samples: " + checked);
    }
  }

  /** Checks sample {@code i} of {@code b} against its spans, derived here from the spans alone. */
  private static void check(PackedBatch b, int i, boolean bins) {
    int seqLen = b.seqLen();
    List<Integer> tokens = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    List<Boolean> eods = new ArrayList<>();
    for (PackedBatch.Span span : b.spans(i)) {
      starts.add(tokens.size());
      assertEquals(0, span.source());
      int length = corpus.lengths[(int) span.row()];
      assertTrue(span.from() < span.to() && span.to() <= length + 1, span.toString());
      for (int j = span.from(); j < span.to(); j++) {
        tokens.add(j < length ? PackedCorpus.token(span.row(), j) : PackedCorpus.EOD);
        eods.add(j == length);
      }
    }
    int used = tokens.size();
    assertTrue(used <= seqLen + 1 && (bins || used == seqLen + 1), "used " + used);
    int[] expected = new int[seqLen + 1];
    for (int t = 0; t < used; t++) {
      expected[t] = tokens.get(t);
    }
    int[] actual = new int[seqLen + 1];
    b.tokens().get(i * (seqLen + 1), actual);
    assertArrayEquals(expected, actual, "tokens of sample " + b.sample(i));
    List<Integer> cu = new ArrayList<>();
    for (int t = 0; t < seqLen; t++) {
      int piece = starts.size() - 1;
      while (piece >= 0 && starts.get(piece) > t) {
        piece--;
      }
      boolean real = t < used;
      int at = i * seqLen + t;
      assertEquals(real ? t - starts.get(piece) : 0, b.positionIds().get(at), "position " + t);
      assertEquals(real ? piece + 1 : 0, b.segmentIds().get(at), "segment " + t);
      boolean crossing = bins && piece + 1 < starts.size() && starts.get(piece + 1) == t + 1;
      boolean learned = t + 1 < used && !crossing && !eods.get(t);
      assertEquals(learned ? 1 : 0, b.lossMask().get(at), "loss mask at " + t);
      if (real && starts.get(piece) == t || t == used) {
        cu.add(t);
      }
    }
    cu.add(seqLen);
    assertArrayEquals(cu.stream().mapToInt(Integer::intValue).toArray(), b.cuSeqlens(i));
    IntBuffer all = b.cuSeqlens();
    assertEquals(0, all.get(0));
    assertEquals(b.size() * seqLen, all.get(all.limit() - 1));
  }

  @Test
  void ranks_oneTwoThreeAndEight_coverEverySampleOnce() {
    Map<Long, String> whole = batches(0, 1);
    for (int world : new int[] {1, 2, 3, 8}) {
      Map<Long, String> seen = new HashMap<>();
      for (int rank = 0; rank < world; rank++) {
        for (Map.Entry<Long, String> e : batches(rank, world).entrySet()) {
          String earlier = seen.putIfAbsent(e.getKey(), e.getValue());
          assertTrue(earlier == null || earlier.equals(e.getValue()), "batch " + e.getKey());
        }
      }
      assertEquals(whole, seen, "world " + world);
    }
  }

  private static Map<Long, String> batches(int rank, int world) {
    Map<Long, String> out = new HashMap<>();
    PackedLoader loader =
        Loader.newBuilder(corpus.split)
            .shuffle(4)
            .batchSize(3)
            .shard(rank, world)
            .pack(64, "input_ids")
            .build();
    for (PackedBatch b : loader) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < b.size(); i++) {
        s.append(b.sample(i)).append(b.spans(i));
      }
      out.put(b.step(), s.toString());
    }
    return out;
  }

  @Test
  void resume_stoppedOnFourRanksResumedOnThree_yieldsExactlyTheSamplesThatRemained() {
    Function<LoaderBuilder, PackedLoader> packed =
        b -> b.pack(100, "input_ids").eod(PackedCorpus.EOD).build();
    Map<Long, String> whole = new HashMap<>();
    for (PackedBatch b : packed.apply(Loader.newBuilder(corpus.split).shuffle(8).batchSize(2))) {
      whole.put(b.step(), content(b));
    }
    Map<Long, String> seen = new HashMap<>();
    LoaderState saved = null;
    for (int rank = 0; rank < 4; rank++) {
      PackedLoader loader =
          packed.apply(Loader.newBuilder(corpus.split).shuffle(8).batchSize(2).shard(rank, 4));
      Iterator<PackedBatch> it = loader.iterator();
      for (int k = 0; k < 50; k++) {
        PackedBatch b = it.next();
        seen.put(b.step(), content(b));
      }
      saved = LoaderState.fromJson(loader.state().toJson());
    }
    assertEquals(200, saved.step());
    for (int rank = 0; rank < 3; rank++) {
      PackedLoader loader =
          packed.apply(Loader.newBuilder(corpus.split).resume(saved).shard(rank, 3));
      for (PackedBatch b : loader) {
        String earlier = seen.putIfAbsent(b.step(), content(b));
        assertTrue(
            earlier == null || b.step() < 3 && earlier.equals(content(b)),
            "batch " + b.step() + " handed out twice");
      }
    }
    assertEquals(whole, seen);
  }

  private static String content(PackedBatch b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.size(); i++) {
      int[] tokens = new int[b.seqLen() + 1];
      b.tokens().get(i * (b.seqLen() + 1), tokens);
      s.append(b.sample(i)).append(java.util.Arrays.toString(tokens));
    }
    return s.toString();
  }

  @Test
  void bins_neverExceedASample_andHoldEveryDocumentsTokensOnce() {
    for (String fit : List.of("first", "best")) {
      int seqLen = 512;
      PackedLoaderBuilder builder =
          Loader.newBuilder(corpus.split).shuffle(6).batchSize(5).pack(seqLen, "input_ids");
      PackedLoader loader =
          fit.equals("first") ? builder.firstFit(100).build() : builder.bestFit(100).build();
      double reported = loader.fillRate();
      long[] seen = new long[corpus.lengths.length];
      long tokens = 0;
      long samples = 0;
      for (PackedBatch b : loader) {
        for (int i = 0; i < b.size(); i++) {
          samples++;
          int used = 0;
          for (PackedBatch.Span span : b.spans(i)) {
            used += span.to() - span.from();
            assertTrue(
                span.from() % (seqLen + 1) == 0 || span.to() == corpus.lengths[(int) span.row()],
                "a document is cut only into whole samples, then its rest: " + span);
            seen[(int) span.row()] += span.to() - span.from();
          }
          assertTrue(used <= seqLen + 1, fit + ": sample of " + used + " tokens");
          tokens += used;
        }
      }
      for (int r = 0; r < seen.length; r++) {
        assertEquals(corpus.lengths[r], seen[r], fit + ": tokens of row " + r);
      }
      double fill = (double) tokens / (samples * (seqLen + 1));
      assertEquals(fill, reported, 1e-12);
      assertTrue(fill > 0.8 && fill < 1, fit + " fill " + fill);
    }
  }

  @Test
  void directBuffersAndPrefetch_giveWhatTheHeapPathGives() {
    Function<PackedLoaderBuilder, List<String>> run =
        b -> {
          List<String> out = new ArrayList<>();
          try (PackedLoader loader = b.eod(PackedCorpus.EOD).build()) {
            for (PackedBatch batch : loader) {
              out.add(
                  content(batch)
                      + ids(batch.positionIds())
                      + ids(batch.segmentIds())
                      + ids(batch.lossMask())
                      + ids(batch.cuSeqlens()));
            }
          }
          return out;
        };
    List<String> heap =
        run.apply(Loader.newBuilder(corpus.split).shuffle(1).batchSize(4).pack(200, "input_ids"));
    PackedLoaderBuilder direct =
        Loader.newBuilder(corpus.split).shuffle(1).batchSize(4).pack(200, "input_ids");
    assertEquals(heap, run.apply(direct.directBuffers()));
    assertEquals(
        heap,
        run.apply(
            Loader.newBuilder(corpus.split)
                .shuffle(1)
                .batchSize(4)
                .prefetch(3, 2)
                .pack(200, "input_ids")
                .directBuffers()));
    try (PackedLoader loader =
        Loader.newBuilder(corpus.split).pack(200, "input_ids").directBuffers().build()) {
      assertTrue(loader.iterator().next().tokens().isDirect());
    }
  }

  private static String ids(IntBuffer buffer) {
    int[] values = new int[buffer.remaining()];
    buffer.get(values);
    return java.util.Arrays.toString(values);
  }

  @Test
  void plan_givesTheIterationsBatchesWithoutReadingATokenAndAdvancesTheState() {
    PackedLoader planned =
        Loader.newBuilder(corpus.split).shuffle(3).batchSize(6).pack(300, "input_ids").build();
    PackedLoader read =
        Loader.newBuilder(corpus.split).shuffle(3).batchSize(6).pack(300, "input_ids").build();
    Iterator<PackedBatch> a = planned.plan();
    Iterator<PackedBatch> b = read.iterator();
    while (b.hasNext()) {
      PackedBatch p = a.next();
      PackedBatch r = b.next();
      assertEquals(ids(r.lossMask()) + ids(r.cuSeqlens()), ids(p.lossMask()) + ids(p.cuSeqlens()));
      assertEquals(r.spans(0), p.spans(0));
      assertThrows(IllegalStateException.class, p::tokens);
    }
    assertFalse(a.hasNext());
    assertEquals(read.state(), planned.state());
    assertEquals(1, planned.state().epoch());
  }

  @Test
  void sharedFixtures_packTheTokensTheRowsHold() throws Exception {
    // save_format_columns: input_ids as datasets writes list<int32>; save_dict: labels, int64
    // lists.
    for (String[] c :
        new String[][] {{"save_format_columns", "input_ids"}, {"save_dict", "labels"}}) {
      try (LazyDataset ds = LazyDataset.open(Fixtures.convert(c[0], tmp.resolve(c[0])))) {
        Split split = ds.split("train");
        List<Integer> stream = new ArrayList<>();
        for (dev.lazyarrow.Row row : split) {
          List<?> items = (List<?>) row.get(c[1]);
          if (items != null) {
            items.forEach(v -> stream.add(((Number) v).intValue()));
          }
          stream.add(0);
        }
        PackedLoader loader = Loader.newBuilder(split).pack(3, c[1]).eod(0).build();
        List<Integer> got = new ArrayList<>();
        for (int[] sample : samples(loader)) {
          for (int j = got.isEmpty() ? 0 : 1; j < sample.length; j++) {
            got.add(sample[j]);
          }
        }
        assertEquals(stream.subList(0, got.size()), got, c[0]);
        assertTrue(got.size() > stream.size() - 4, c[0]);
      }
    }
  }

  @Test
  void closing_leavesNoLeaseAndNoAllocatorByte() throws Exception {
    try (RootAllocator allocator = new RootAllocator()) {
      LazyDataset ds =
          LazyDataset.newBuilder()
              .allocator(allocator)
              .maximumCacheBytes(256 << 10)
              .open(tmp.resolve("corpus-7"));
      try (PackedLoader loader =
          Loader.newBuilder(ds.split("train"))
              .shuffle(1)
              .batchSize(8)
              .prefetch(2)
              .pack(512, "input_ids")
              .build()) {
        Iterator<PackedBatch> it = loader.iterator();
        for (int k = 0; k < 20; k++) {
          it.next();
        }
      }
      assertEquals(
          ds.cacheStats().residentBatches(),
          ds.cacheStats().liveBatches(),
          "no batch is held by a lease");
      ds.close();
      assertEquals(0, allocator.getAllocatedMemory());
    }
  }

  @Test
  void badInput_isRefusedWithTheRule() {
    Split split = corpus.split;
    assertThrows(
        IllegalArgumentException.class, () -> Loader.newBuilder(split).pack(0, "input_ids"));
    IllegalArgumentException notList =
        assertThrows(
            IllegalArgumentException.class, () -> Loader.newBuilder(split).pack(8, "id").build());
    assertTrue(notList.getMessage().contains("not a list of integers"), notList.getMessage());
    IllegalArgumentException longest =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ConcatPack(Samplers.sequential(1), new int[] {Integer.MAX_VALUE}, 1, 8, "ids"));
    assertTrue(longest.getMessage().contains("2^31 - 1"), longest.getMessage());
    LoaderState packedState = Loader.newBuilder(split).pack(8, "input_ids").build().state();
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> Loader.newBuilder(split).resume(packedState).pack(9, "input_ids").build());
    assertTrue(other.getMessage().contains("seqLen=8"), other.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Loader.newBuilder(split).resume(packedState).build());
    LoaderState rowState = Loader.newBuilder(split).build().state();
    assertThrows(
        IllegalStateException.class,
        () -> Loader.newBuilder(split).resume(rowState).pack(8, "input_ids"));
    assertThrows(
        IllegalStateException.class,
        () -> Loader.newBuilder(split).tokenBudget(100, "input_ids").pack(8, "input_ids"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Loader.newBuilder(split).pack(8, "input_ids").eodMaskLoss().build());
    assertEquals(packedState, LoaderState.fromJson(packedState.toJson()));
  }
}
