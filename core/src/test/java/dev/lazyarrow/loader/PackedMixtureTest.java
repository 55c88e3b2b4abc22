package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packing over a mixture, as Megatron's BlendedDataset over GPTDatasets: every sample is one
 * source's, each source's samples are its own stream's in order, shares hold, and runs resume.
 */
class PackedMixtureTest {
  @TempDir static Path tmp;

  private static PackedCorpus web;
  private static PackedCorpus code;

  @BeforeAll
  static void write() {
    web = PackedCorpus.write(tmp, 800, 21);
    code = PackedCorpus.write(tmp, 200, 22);
  }

  @AfterAll
  static void close() {
    web.close();
    code.close();
  }

  private static Mixture mixture() {
    return Mixture.newBuilder().add(web.split, 0.6).add(code.split, 0.4).length(3000).build();
  }

  private static String tokens(PackedBatch b, int i) {
    int[] t = new int[b.seqLen() + 1];
    b.tokens().get(i * (b.seqLen() + 1), t);
    return Arrays.toString(t);
  }

  @Test
  void everySample_isOneSourcesNextSampleOfItsOwnStream_inItsShare() {
    int seqLen = 96;
    List<List<String>> drawn = List.of(new ArrayList<>(), new ArrayList<>());
    long position = 0;
    int[] counts = new int[2];
    for (PackedBatch b :
        Loader.newBuilder(mixture())
            .shuffle(5)
            .batchSize(7)
            .pack(seqLen, "input_ids")
            .eod(1)
            .build()) {
      for (int i = 0; i < b.size(); i++) {
        List<PackedBatch.Span> spans = b.spans(i);
        int source = spans.get(0).source();
        for (PackedBatch.Span span : spans) {
          assertEquals(source, span.source(), "sample " + b.sample(i) + " mixes sources");
        }
        drawn.get(source).add(tokens(b, i));
        counts[source]++;
        position++;
        assertTrue(Math.abs(counts[0] - 0.6 * position) < 1, "share of web after " + position);
      }
    }
    assertEquals(3000, position);
    // Source 0 shuffles with the loader's seed, so its samples are its own loader's, in order,
    // epoch after epoch; source 1 has a key of its own, but the same stream's samples.
    PackedLoader alone =
        Loader.newBuilder(web.split)
            .shuffle(5)
            .batchSize(7)
            .pack(seqLen, "input_ids")
            .eod(1)
            .build();
    List<String> own = new ArrayList<>();
    while (own.size() < drawn.get(0).size()) {
      for (PackedBatch b : alone) {
        for (int i = 0; i < b.size(); i++) {
          own.add(tokens(b, i));
        }
      }
    }
    assertEquals(own.subList(0, drawn.get(0).size()), drawn.get(0));
    long codeSamples =
        Loader.newBuilder(code.split).pack(seqLen, "input_ids").eod(1).build().samplesPerEpoch();
    assertTrue(drawn.get(1).size() > codeSamples, "code repeats: " + drawn.get(1).size());
    // Its first epoch's samples tile its stream once: no sample twice.
    List<String> first = drawn.get(1).subList(0, (int) codeSamples);
    assertEquals(codeSamples, first.stream().distinct().count());
  }

  @Test
  void resume_stoppedOnTwoRanksResumedOnThree_yieldsExactlyTheSamplesThatRemained() {
    Map<Long, String> whole = new HashMap<>();
    for (PackedBatch b : packed(Loader.newBuilder(mixture()).shuffle(3).batchSize(4))) {
      whole.put(b.step(), content(b));
    }
    Map<Long, String> seen = new HashMap<>();
    LoaderState saved = null;
    for (int rank = 0; rank < 2; rank++) {
      PackedLoader loader =
          packed(Loader.newBuilder(mixture()).shuffle(3).batchSize(4).shard(rank, 2));
      Iterator<PackedBatch> it = loader.iterator();
      for (int k = 0; k < 100; k++) {
        PackedBatch b = it.next();
        seen.put(b.step(), content(b));
      }
      saved = LoaderState.fromJson(loader.state().toJson());
    }
    for (int rank = 0; rank < 3; rank++) {
      for (PackedBatch b : packed(Loader.newBuilder(mixture()).resume(saved).shard(rank, 3))) {
        String earlier = seen.putIfAbsent(b.step(), content(b));
        assertTrue(earlier == null || b.step() < 3, "batch " + b.step() + " twice");
      }
    }
    assertEquals(whole, seen);
    Mixture other =
        Mixture.newBuilder().add(web.split, 0.5).add(code.split, 0.5).length(3000).build();
    LoaderState state = saved;
    IllegalArgumentException changed =
        assertThrows(
            IllegalArgumentException.class, () -> packed(Loader.newBuilder(other).resume(state)));
    assertTrue(changed.getMessage().contains("weight"), changed.getMessage());
  }

  private static PackedLoader packed(LoaderBuilder builder) {
    return builder.pack(64, "input_ids").build();
  }

  private static String content(PackedBatch b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < b.size(); i++) {
      s.append(b.spans(i)).append(tokens(b, i));
    }
    return s.toString();
  }

  @Test
  void binsOrASourceShorterThanASample_areRefused() {
    IllegalStateException bins =
        assertThrows(
            IllegalStateException.class,
            () -> Loader.newBuilder(mixture()).pack(64, "input_ids").firstFit().build());
    assertTrue(bins.getMessage().contains("BlendedDataset"), bins.getMessage());
    IllegalArgumentException small =
        assertThrows(
            IllegalArgumentException.class,
            () -> Loader.newBuilder(mixture()).pack(1 << 30, "input_ids").build());
    assertTrue(small.getMessage().contains("fewer than"), small.getMessage());
  }
}
