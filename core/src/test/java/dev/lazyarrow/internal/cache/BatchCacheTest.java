package dev.lazyarrow.internal.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.internal.cache.BatchCache.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class BatchCacheTest {
  /** A batch that records whether it was closed and refuses to be read afterwards. */
  static final class FakeBatch implements AutoCloseable {
    final int key;
    volatile boolean closed;

    FakeBatch(int key) {
      this.key = key;
    }

    int read() {
      if (closed) {
        throw new IllegalStateException("read after close of batch " + key);
      }
      return key;
    }

    @Override
    public void close() {
      if (closed) {
        throw new IllegalStateException("closed twice: " + key);
      }
      closed = true;
    }
  }

  private static BatchCache.Loaded<FakeBatch> load(int key, List<FakeBatch> made) {
    FakeBatch b = new FakeBatch(key);
    made.add(b);
    return new BatchCache.Loaded<>(b, 100);
  }

  @Test
  void acquireOrNull_loaderDeclines_cachesNothingThenLoadsWhenAsked() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000)) {
      assertEquals(null, cache.acquireOrNull(1, k -> null));
      assertFalse(cache.contains(1));
      try (Lease<FakeBatch> a = cache.acquireOrNull(1, k -> load(k, made))) {
        assertEquals(1, a.value().read());
      }
      assertTrue(cache.contains(1));
      try (Lease<FakeBatch> b = cache.acquireOrNull(1, k -> null)) {
        assertEquals(1, b.value().read(), "a cached batch is leased; the loader is not asked");
      }
    }
  }

  @Test
  void own_batchOutsideTheCache_closedByItsLeaseOrByClose() {
    FakeBatch first = new FakeBatch(1);
    FakeBatch second = new FakeBatch(2);
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000)) {
      cache.own(first).close();
      assertTrue(first.closed);
      cache.own(second);
      assertEquals(1, cache.liveBatches());
      assertEquals(0, cache.residentBatches());
    }
    assertTrue(second.closed, "close frees a batch whose lease is still held");
  }

  @Test
  void acquire_sameKey_loadsOnceAndCountsHit() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000)) {
      try (Lease<FakeBatch> a = cache.acquire(1, k -> load(k, made));
          Lease<FakeBatch> b = cache.acquire(1, k -> load(k, made))) {
        assertEquals(1, made.size());
        assertEquals(a.value(), b.value());
      }
      assertEquals(1, cache.hits());
      assertEquals(1, cache.misses());
      assertEquals(100, cache.residentBytes());
      assertEquals(100, cache.loadedBytes());
    }
  }

  @Test
  void eviction_whileLeased_closesOnlyAfterLastRelease() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(150)) {
      Lease<FakeBatch> held = cache.acquire(1, k -> load(k, made));
      for (int k = 2; k < 10; k++) {
        cache.acquire(k, key -> load(key, made)).close();
      }
      assertTrue(cache.evictions() > 0);
      FakeBatch first = made.get(0);
      assertFalse(first.closed, "a leased batch must survive its eviction");
      assertEquals(1, held.value().read());
      held.close();
      long closed = made.stream().filter(b -> b.closed).count();
      assertEquals(cache.residentBatches(), cache.liveBatches(), "every evicted batch is freed");
      assertEquals(made.size() - cache.residentBatches(), closed);
    }
    assertTrue(made.stream().allMatch(b -> b.closed), "close() frees every batch");
  }

  @Test
  void isCached_trueWhileTheCacheKeepsTheBatch_falseOnceEvictedOwnedReleasedOrClosed() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> none = new BatchCache<>(0)) {
      Lease<FakeBatch> evicted = none.acquire(1, k -> load(k, made));
      none.cleanUp();
      assertFalse(evicted.isCached(), "a zero bound evicts the batch at once");
      assertEquals(1, evicted.value().read(), "and the lease keeps it readable");
      evicted.close();
    }
    BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000);
    Lease<FakeBatch> kept = cache.acquire(2, k -> load(k, made));
    assertTrue(kept.isCached());
    Lease<FakeBatch> owned = cache.own(new FakeBatch(99));
    assertFalse(owned.isCached(), "the cache never kept an owned batch");
    cache.close();
    assertFalse(kept.isCached(), "a closed cache keeps nothing");
    kept.close();
    assertFalse(kept.isCached(), "a released lease holds nothing");
  }

  @Test
  void evictedEntry_releasedByLastLease_isClosed() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(0)) {
      Lease<FakeBatch> lease = cache.acquire(7, k -> load(k, made));
      // A zero bound evicts at once; only the lease keeps the batch alive.
      assertFalse(made.get(0).closed);
      assertEquals(1, cache.liveBatches());
      lease.close();
      assertTrue(made.get(0).closed);
      assertEquals(0, cache.liveBatches());
    }
  }

  @Test
  void lease_closeTwice_releasesOnce() {
    List<FakeBatch> made = new ArrayList<>();
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000)) {
      Lease<FakeBatch> lease = cache.acquire(1, k -> load(k, made));
      lease.close();
      lease.close();
      assertThrows(IllegalStateException.class, lease::value);
      assertFalse(made.get(0).closed, "the cache still holds it");
    }
  }

  @Test
  void close_withLeaseOutstanding_freesEverything() {
    List<FakeBatch> made = new ArrayList<>();
    BatchCache<Integer, FakeBatch> cache = new BatchCache<>(1000);
    cache.acquire(1, k -> load(k, made));
    cache.close();
    assertTrue(made.get(0).closed);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> cache.acquire(2, k -> load(k, made)));
    assertEquals("the dataset is closed", e.getMessage());
  }

  @Test
  void constructor_negativeBound_throwsWithValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BatchCache<Integer, FakeBatch>(-5));
    assertEquals("maximum cache bytes must not be negative: -5", e.getMessage());
  }

  @Test
  void acquire_manyThreadsTinyCache_neverSeesClosedBatch() throws Exception {
    List<FakeBatch> made = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (BatchCache<Integer, FakeBatch> cache = new BatchCache<>(200)) {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  int reads = 0;
                  for (int i = 0; i < 20_000; i++) {
                    int key = ThreadLocalRandom.current().nextInt(8);
                    try (Lease<FakeBatch> lease = cache.acquire(key, k -> load(k, made))) {
                      assertEquals(key, lease.value().read());
                      reads++;
                    }
                  }
                  return reads;
                }));
      }
      for (Future<Integer> f : futures) {
        assertEquals(20_000, f.get());
      }
      assertTrue(cache.evictions() > 0, "the bound of two batches forces evictions");
    } finally {
      pool.shutdown();
    }
    assertTrue(made.stream().allMatch(b -> b.closed));
  }
}
