package dev.lazyarrow.internal.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A cache of loaded record batches, bounded in bytes, that hands out leases.
 *
 * <p>Each entry is reference-counted: the cache holds one reference while the entry is resident,
 * and every {@link Lease} holds another. An entry evicted while leased stays alive, and is closed
 * only when its last lease is released; a lease can never see a closed batch. {@link #close} closes
 * every entry at once, leased or not, so that a closed dataset holds no memory.
 *
 * @param <K> the key type
 * @param <V> the batch type; closed when the last reference goes
 */
public final class BatchCache<K, V extends AutoCloseable> implements AutoCloseable {
  private final Cache<K, Entry<V>> cache;
  private final Set<Entry<V>> live = ConcurrentHashMap.newKeySet();
  private final LongAdder loadedBytes = new LongAdder();
  private final LongAdder inFlight = new LongAdder();
  private volatile boolean closed;

  /** A batch in the cache or still leased after eviction. */
  static final class Entry<V extends AutoCloseable> {
    // A field, not an AtomicInteger: a walk over hundreds of batches misses the CPU cache on each
    // entry, and one object to reach costs half of two.
    private static final VarHandle REFERENCES;

    static {
      try {
        REFERENCES = MethodHandles.lookup().findVarHandle(Entry.class, "references", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final V value;
    final int weight;
    private final BatchCache<?, V> owner;
    private volatile int references = 1;

    /** Whether the cache keeps this entry: false once evicted, and for a batch it never kept. */
    private volatile boolean cached;

    Entry(V value, int weight, BatchCache<?, V> owner) {
      this.value = value;
      this.weight = weight;
      this.owner = owner;
    }

    boolean tryRetain() {
      for (int n = references; n > 0; n = references) {
        if (REFERENCES.compareAndSet(this, n, n + 1)) {
          return true;
        }
      }
      return false;
    }

    void release() {
      int after = (int) REFERENCES.getAndAdd(this, -1) - 1;
      if (after == 0) {
        owner.free(this);
      } else if (after < 0) {
        throw new IllegalStateException("batch released more often than it was held");
      }
    }
  }

  /** A hold on a cached batch: the batch stays open until {@link #close}. */
  public static final class Lease<V extends AutoCloseable> implements AutoCloseable {
    private Entry<V> entry;

    Lease(Entry<V> entry) {
      this.entry = entry;
    }

    /** Returns the leased batch. */
    public V value() {
      if (entry == null) {
        throw new IllegalStateException("lease already released");
      }
      return entry.value;
    }

    /**
     * Returns whether the cache still keeps the leased batch: false once it was evicted (or the
     * cache closed), and for a batch the cache never kept ({@link #own}); false after release.
     */
    public boolean isCached() {
      Entry<V> e = entry;
      return e != null && e.cached;
    }

    /** Releases the hold; the batch is closed now if it was evicted meanwhile. Idempotent. */
    @Override
    public void close() {
      Entry<V> e = entry;
      if (e != null) {
        entry = null;
        e.release();
      }
    }
  }

  /** What a loader returns: the batch and its weight in bytes. */
  public record Loaded<V>(V value, long weightBytes) {}

  /**
   * Creates a cache that keeps at most {@code maximumBytes} of batches that are not leased.
   *
   * @throws IllegalArgumentException if {@code maximumBytes} is negative
   */
  public BatchCache(long maximumBytes) {
    if (maximumBytes < 0) {
      throw new IllegalArgumentException(
          "maximum cache bytes must not be negative: " + maximumBytes);
    }
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(maximumBytes)
            .weigher((K key, Entry<V> entry) -> entry.weight)
            .executor(Runnable::run)
            .removalListener(
                (K key, Entry<V> entry, RemovalCause cause) -> {
                  if (entry != null) {
                    entry.cached = false;
                    entry.release();
                  }
                })
            .recordStats()
            .build();
  }

  /**
   * Returns a lease on the batch for {@code key}, loading it with {@code loader} on a miss.
   *
   * @throws IllegalStateException if the cache is closed
   */
  public Lease<V> acquire(K key, Function<? super K, Loaded<V>> loader) {
    return Objects.requireNonNull(acquireOrNull(key, loader), "the loader returned null");
  }

  /**
   * Returns a lease on the batch for {@code key} like {@link #acquire}, except that on a miss the
   * {@code loader} may decline by returning null (the rows are read another way): then nothing is
   * cached and this returns null. A hit costs one lookup, as with {@link #acquire}.
   *
   * @throws IllegalStateException if the cache is closed
   */
  public Lease<V> acquireOrNull(K key, Function<? super K, Loaded<V>> loader) {
    Objects.requireNonNull(loader, "loader");
    enter();
    try {
      return acquire(key, loader, new ArrayList<>(1));
    } finally {
      exit();
    }
  }

  /** Returns whether the batch for {@code key} is resident; loads nothing and counts nothing. */
  public boolean contains(K key) {
    return cache.asMap().containsKey(key);
  }

  /**
   * Returns a lease on {@code value}, a batch outside the cache (rows read by ranges, say), closed
   * when the lease is released, or by {@link #close} if it still is not.
   */
  public Lease<V> own(V value) {
    Entry<V> entry = new Entry<>(value, 1, this);
    live.add(entry);
    return new Lease<>(entry);
  }

  /**
   * Marks a read in flight until the matching {@link #exit}: {@link #close} waits for every one to
   * exit before it frees anything, so that a read (or a load) racing it never finds its memory gone
   * or allocates after the allocator closed.
   *
   * @throws IllegalStateException if the cache is closed
   */
  public void enter() {
    inFlight.increment();
    if (closed) {
      inFlight.decrement();
      throw new IllegalStateException("the dataset is closed");
    }
  }

  /** Ends a read begun with {@link #enter}. */
  public void exit() {
    inFlight.decrement();
  }

  private Lease<V> acquire(K key, Function<? super K, Loaded<V>> loader, List<Entry<V>> loaded) {
    while (true) {
      Entry<V> entry =
          cache.get(
              key,
              k -> {
                Entry<V> e = load(k, loader);
                if (e != null) {
                  loaded.add(e);
                }
                return e;
              });
      if (entry == null) {
        return null; // the loader declined
      }
      // A batch this call loaded comes with the caller's reference already taken: a cache too small
      // for it evicts it on insertion, before a retain here could win.
      if (loaded.contains(entry) || entry.tryRetain()) {
        return new Lease<>(entry);
      }
      // Evicted and freed between the lookup and the retain: drop the stale mapping and load again.
      cache.asMap().remove(key, entry);
    }
  }

  private Entry<V> load(K key, Function<? super K, Loaded<V>> loader) {
    Loaded<V> loaded = loader.apply(key);
    if (loaded == null) {
      return null;
    }
    int weight = (int) Math.min(Integer.MAX_VALUE, Math.max(1, loaded.weightBytes()));
    Entry<V> entry = new Entry<>(loaded.value(), weight, this);
    entry.cached = true;
    Entry.REFERENCES.getAndAdd(entry, 1);
    live.add(entry);
    loadedBytes.add(weight);
    return entry;
  }

  private void free(Entry<V> entry) {
    entry.cached = false;
    if (live.remove(entry)) {
      try {
        entry.value.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot close a cached batch", e);
      }
    }
  }

  /** Runs the eviction work the cache defers, so that the counts below are exact. */
  public void cleanUp() {
    cache.cleanUp();
  }

  /** Returns how many lookups found their batch resident. */
  public long hits() {
    return cache.stats().hitCount();
  }

  /** Returns how many lookups had to load their batch. */
  public long misses() {
    return cache.stats().missCount();
  }

  /** Returns how many batches were evicted to respect the bound. */
  public long evictions() {
    return cache.stats().evictionCount();
  }

  /** Returns the total weight of every batch ever loaded. */
  public long loadedBytes() {
    return loadedBytes.sum();
  }

  /** Returns the weight of the batches resident now. */
  public long residentBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Returns the number of batches resident now. */
  public long residentBatches() {
    return cache.estimatedSize();
  }

  /** Returns the number of batches alive now, resident or held by a lease after eviction. */
  public int liveBatches() {
    return live.size();
  }

  /**
   * Closes every batch, leased or not, once the reads in flight have exited; leases held by other
   * means (batch iterators) must not be used afterwards.
   */
  @Override
  public void close() {
    closed = true;
    while (inFlight.sum() > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(100_000);
    }
    cache.invalidateAll();
    cache.cleanUp();
    for (Entry<V> entry : new ArrayList<>(live)) {
      free(entry);
    }
  }
}
