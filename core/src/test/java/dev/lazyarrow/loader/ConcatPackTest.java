package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The concatenated stream's samples where the stream passes 2^32 tokens (its starts kept as low
 * words), and the lengths a packing plans with on a corpus of null, empty and long documents.
 */
class ConcatPackTest {
  @TempDir Path tmp;

  @Test
  void pieces_ofAStreamPastTwoTo32Tokens_coverItTokenForToken() {
    int max = Integer.MAX_VALUE;
    int[] lengths = {max - 1, 5, max - 1, 0, max - 1, 3, max - 2, 7};
    for (int extra = 0; extra <= 1; extra++) {
      Sampler order = Samplers.sequential(lengths.length);
      int seqLen = 1 << 24;
      ConcatPack pack = new ConcatPack(order, lengths, extra, seqLen, "ids");
      long[] starts = new long[lengths.length + 1];
      for (int r = 0; r < lengths.length; r++) {
        starts[r + 1] = starts[r] + lengths[r] + extra;
      }
      assertEquals((starts[lengths.length] - 1) / seqLen, pack.samples());
      PackPlan.Pieces pieces = new PackPlan.Pieces();
      for (long g = 0; g < pack.samples(); g++) {
        pieces.clear();
        pack.pieces(g, pieces);
        long at = g * seqLen;
        for (int k = 0; k < pieces.count; k++) {
          assertEquals(at, starts[(int) pieces.rows[k]] + pieces.from[k], "sample " + g);
          at += pieces.to[k] - pieces.from[k];
        }
        assertEquals(g * seqLen + seqLen + 1, at, "sample " + g);
      }
    }
  }

  @Test
  void lengths_ofNullEmptyAndLongDocuments_areTheirTokenCounts() {
    PackedCorpus corpus = PackedCorpus.write(tmp, 3000, 5);
    assertArrayEquals(corpus.lengths, ColumnScan.lengths(corpus.split, "input_ids"));
  }
}
