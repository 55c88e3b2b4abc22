package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Rows read many positions at once ({@link Samplers#rows}) against one position at a time. */
class SamplerRowsTest {
  @Test
  void rows_manyPositionsOfAShuffle_equalEachAlone() {
    for (long n : new long[] {1, 2, 3, 17, 1000, 65_537, 300_001}) {
      Sampler order = Samplers.shuffled(n, 42, 3);
      long[] out = new long[4096];
      for (long from = 0; from < n; from += 4093) {
        int count = (int) Math.min(4093, n - from);
        Samplers.rows(order, from, count, out);
        for (int k = 0; k < count; k++) {
          assertEquals(order.row(from + k), out[k], "n " + n + " position " + (from + k));
        }
      }
    }
  }

  @Test
  void rows_ofOtherOrders_equalEachAlone() {
    long[] batchStarts = {0, 10, 25, 25, 60, 61, 100};
    for (Sampler order :
        new Sampler[] {Samplers.sequential(100), Samplers.blockShuffled(batchStarts, 2, 7, 1)}) {
      long[] out = new long[100];
      Samplers.rows(order, 0, 100, out);
      for (int k = 0; k < 100; k++) {
        assertEquals(order.row(k), out[k]);
      }
    }
  }

  @Test
  void rows_pastTheEnd_isRefused() {
    Sampler order = Samplers.shuffled(100, 1, 0);
    assertThrows(IndexOutOfBoundsException.class, () -> Samplers.rows(order, 90, 11, new long[11]));
    assertThrows(IndexOutOfBoundsException.class, () -> Samplers.rows(order, -1, 1, new long[1]));
  }
}
