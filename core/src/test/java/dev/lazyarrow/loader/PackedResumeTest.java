package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LoaderBuilder#pack()}: a resumed packed loader packs as the saved one did, unasked. */
class PackedResumeTest {
  @TempDir static Path tmp;

  private static PackedCorpus corpus;

  @BeforeAll
  static void write() {
    corpus = PackedCorpus.write(tmp, 600, 3);
  }

  @AfterAll
  static void close() {
    corpus.close();
  }

  @Test
  void pack_afterResume_continuesAsTheSavedPackingForEveryMode() {
    List<Function<PackedLoaderBuilder, PackedLoaderBuilder>> packings =
        List.of(
            p -> p,
            p -> p.eod(PackedCorpus.EOD).eodMaskLoss(),
            p -> p.firstFit(50),
            p -> p.bestFit(70).eod(PackedCorpus.EOD));
    for (Function<PackedLoaderBuilder, PackedLoaderBuilder> packing : packings) {
      PackedLoader first =
          packing
              .apply(Loader.newBuilder(corpus.split).shuffle(5).batchSize(3).pack(64, "input_ids"))
              .build();
      Iterator<PackedBatch> it = first.iterator();
      for (int k = 0; k < 4; k++) {
        it.next();
      }
      LoaderState saved = LoaderState.fromJson(first.state().toJson());
      List<String> rest = new ArrayList<>();
      it.forEachRemaining(b -> rest.add(content(b)));
      first.close();

      PackedLoader resumed = Loader.newBuilder(corpus.split).resume(saved).pack().build();
      assertEquals(saved.packing(), resumed.state().packing());
      List<String> again = new ArrayList<>();
      resumed.forEach(b -> again.add(content(b)));
      resumed.close();
      assertTrue(!rest.isEmpty(), saved.packing().toString());
      assertEquals(rest, again, saved.packing().toString());
    }
  }

  @Test
  void pack_withoutAResumedPackedState_isRefused() {
    assertThrows(IllegalStateException.class, () -> Loader.newBuilder(corpus.split).pack());
    LoaderState rows = Loader.newBuilder(corpus.split).build().state();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> Loader.newBuilder(corpus.split).resume(rows).pack());
    assertTrue(e.getMessage().contains("resume"), e.getMessage());
  }

  private static String content(PackedBatch b) {
    StringBuilder s = new StringBuilder().append(b.step());
    int[] tokens = new int[b.size() * (b.seqLen() + 1)];
    b.tokens().get(0, tokens);
    int[] mask = new int[b.size() * b.seqLen()];
    b.lossMask().get(0, mask);
    return s.append(Arrays.toString(tokens)).append(Arrays.toString(mask)).toString();
  }
}
