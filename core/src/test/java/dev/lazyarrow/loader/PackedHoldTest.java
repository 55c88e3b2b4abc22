package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.CacheStats;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record batches a packed loader holds from batch to batch: let go once the cache evicts them,
 * released when the epoch ends, and never read after their dataset closed.
 */
class PackedHoldTest {
  @TempDir static Path tmp;

  private static PackedCorpus corpus;

  @BeforeAll
  static void write() {
    corpus = PackedCorpus.write(tmp, 3000, 11);
  }

  @AfterAll
  static void close() {
    corpus.close();
  }

  private static PackedLoader loader(Split split) {
    return Loader.newBuilder(split).shuffle(3).batchSize(4).pack(256, "input_ids").build();
  }

  private static int[] tokens(PackedBatch b) {
    int[] out = new int[b.size() * (b.seqLen() + 1)];
    b.tokens().get(0, out);
    return out;
  }

  @Test
  void smallCache_recordBatchesItEvictsAreLetGo_theTokensUnchanged_allReleasedAtTheEpochsEnd() {
    List<int[]> expected = new ArrayList<>();
    try (PackedLoader loader = loader(corpus.split)) {
      for (PackedBatch b : loader) {
        expected.add(tokens(b));
      }
    }
    int recordBatches = corpus.split.batchStarts().length - 1;
    try (LazyDataset ds =
            LazyDataset.newBuilder().maximumCacheBytes(8 << 10).open(tmp.resolve("corpus-11"));
        PackedLoader loader = loader(ds.split("train"))) {
      long mostHeldBeyondTheCache = 0;
      int k = 0;
      for (PackedBatch b : loader) {
        assertArrayEquals(expected.get(k++), tokens(b), "batch " + (k - 1));
        CacheStats stats = ds.cacheStats();
        mostHeldBeyondTheCache =
            Math.max(mostHeldBeyondTheCache, stats.liveBatches() - stats.residentBatches());
      }
      assertEquals(expected.size(), k);
      assertTrue(
          mostHeldBeyondTheCache < recordBatches / 2,
          "held beyond the cache: at most " + mostHeldBeyondTheCache + " of " + recordBatches);
      CacheStats end = ds.cacheStats();
      assertEquals(end.residentBatches(), end.liveBatches(), "the ended epoch holds nothing");
    }
  }

  @Test
  void datasetClosedUnderTheLoader_theNextBatchFailsSayingSo() {
    LazyDataset ds = LazyDataset.open(tmp.resolve("corpus-11"));
    try (PackedLoader loader = loader(ds.split("train"))) {
      Iterator<PackedBatch> it = loader.iterator();
      it.next();
      it.next();
      ds.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, it::next);
      assertTrue(e.getMessage().contains("the dataset is closed"), e.getMessage());
    }
  }
}
