package dev.lazyarrow.loader;

import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongFunction;

/**
 * The batches of packed samples of a pretraining loop, epoch after epoch, exactly resumable: built
 * by {@code Loader.newBuilder(split).shuffle(seed).batchSize(8).pack(2048, "input_ids").build()}.
 *
 * <p>Each epoch's documents, the token column's lists in the loader's order (sequential, shuffled,
 * block-shuffled or a curriculum), become samples of {@code seqLen + 1} tokens (see {@link
 * PackedBatch}): laid end to end and cut, Megatron's {@code GPTDataset} recipe, or packed whole
 * into padded bins. A null list counts as an empty document, and an empty document (without an
 * end-of-document token) lands in no sample. Global batches of samples go to ranks as a {@link
 * Loader}'s global batches of rows do, so a run resumes exactly from {@link #state}, on any number
 * of ranks. Building an epoch's packing reads the token column's list offsets, never its tokens.
 *
 * <p>One iteration at a time; {@link #close} stops the prefetch threads.
 */
public final class PackedLoader implements Iterable<PackedBatch>, AutoCloseable {
  private final Sources tokens;
  private final Orders orders;
  private final int prefetch;
  private final Workers workers;
  private final IntFunction<IntBuffer> allocate;

  /** A mixture's plan over its sources' samples and each source's samples an epoch, or null. */
  private final MixPlan mix;

  private final long[] perEpoch;

  /** The record batches held by iterations not yet over, released by {@link #close}. */
  private final Set<HeldBatches> held = ConcurrentHashMap.newKeySet();

  private volatile LoaderState state;
  private Epoch planned;

  /** The plan of one epoch: its packing and its global batches of samples. */
  private record Epoch(int number, PackPlan packing, BatchPlan plan) {}

  PackedLoader(
      Sources tokens,
      Orders orders,
      LoaderState state,
      int prefetch,
      int workers,
      IntFunction<IntBuffer> allocate,
      MixPlan mix,
      long[] perEpoch) {
    this.tokens = tokens;
    this.orders = orders;
    this.mix = mix;
    this.perEpoch = perEpoch;
    this.state = state;
    this.prefetch = prefetch;
    this.workers = new Workers(workers);
    this.allocate = allocate;
  }

  /**
   * Checks that a resumed state's step lies within its epoch's global batches.
   *
   * @throws IllegalArgumentException if it does not
   */
  void requireStepInEpoch() {
    Partition.requireStepWithin(plan(state.epoch()).plan().count(), state, " of samples");
  }

  /** Returns the position after the last batch handed out, with the whole configuration. */
  public LoaderState state() {
    return state;
  }

  /** Returns the samples of the current epoch, all ranks together. */
  public long samplesPerEpoch() {
    return plan(state.epoch()).packing().samples();
  }

  /** Returns the number of batches this rank reads in the current epoch from the start of it. */
  public long batchesPerEpoch() {
    LoaderState s = state;
    return Partition.of(plan(s.epoch()).plan().count(), s, 0).rounds();
  }

  /**
   * Returns the share of the current epoch's token slots that hold document tokens: 1 for the
   * concatenated stream, less for bins, whose samples end in padding.
   */
  public double fillRate() {
    return plan(state.epoch()).packing().fillRate();
  }

  /**
   * Returns the rest of the current epoch's batches, their tokens read ahead on the prefetch
   * threads if the builder asked for them; when it ends, the loader moves on to the next epoch.
   */
  @Override
  public Iterator<PackedBatch> iterator() {
    return iterate(true);
  }

  /**
   * Returns the rest of the current epoch like {@link #iterator()}, but reading no token: each
   * batch holds its samples' spans, ids, mask and boundaries. The state advances as iterating does.
   */
  public Iterator<PackedBatch> plan() {
    return iterate(false);
  }

  /**
   * Stops the background threads and releases the record batches iterations held; an iteration in
   * progress ends.
   */
  @Override
  public void close() {
    workers.close();
    release(held);
  }

  private static void release(Iterable<HeldBatches> batches) {
    for (HeldBatches h : batches) {
      h.close();
    }
  }

  private Iterator<PackedBatch> iterate(boolean read) {
    LoaderState start = state;
    Epoch epoch = plan(start.epoch());
    Partition partition = Partition.of(epoch.plan().count(), start, start.step());
    long rounds = partition.rounds();
    LoaderState.Packing packing = start.packing();
    SampleWriter writer = new SampleWriter(tokens, orders.lengths(packing.tokenColumn()), packing);
    // Batch k is written into buffers k % ring: with prefetch, those of the batches in flight,
    // never the one the trainer still holds (see PackedBatch).
    int ahead = read ? prefetch : 0;
    PackedBatch[] ring = new PackedBatch[Math.max(1, ahead)];
    List<HeldBatches> mine = new ArrayList<>(ring.length);
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new PackedBatch(start.batchSize(), packing.seqLen(), tokens, allocate);
      mine.add(ring[i].held);
    }
    held.addAll(mine);
    LongFunction<PackedBatch> produce =
        round -> {
          long global = partition.batch(round);
          PackedBatch batch = ring[(int) (round % ring.length)];
          writer.write(
              epoch.packing(), epoch.plan().positions(global), epoch.number(), global, read, batch);
          return batch;
        };
    Iterator<PackedBatch> source =
        ahead > 0
            ? new Prefetcher<>(rounds, produce, ahead, workers.pool())
            : EpochRounds.inOrder(rounds, produce, round -> {});
    return new EpochRounds<>(
        start,
        partition,
        source,
        moved -> {
          state = moved;
          if (moved.epoch() != start.epoch()) {
            // Every batch of the epoch was written: nothing copies from the held batches now.
            release(mine);
            held.removeAll(mine);
          }
        });
  }

  /** Returns the plan of epoch {@code number}, kept from the last call. */
  private synchronized Epoch plan(int number) {
    Epoch last = planned;
    if (last != null && last.number() == number) {
      return last;
    }
    LoaderState s = state;
    LoaderState.Packing p = s.packing();
    int[] lengths = orders.lengths(p.tokenColumn());
    int extra = p.eod() >= 0 ? 1 : 0;
    Sampler order = mix == null ? orders.order(s, number) : null;
    PackPlan packing =
        mix != null
            ? new MixedPack(tokens, mix, s, number, lengths, perEpoch)
            : p.mode().equals("concat")
                ? new ConcatPack(order, lengths, extra, p.seqLen(), p.tokenColumn())
                : new BinPack(
                    order,
                    lengths,
                    extra,
                    p.seqLen(),
                    p.window(),
                    p.mode().equals("best-fit"),
                    p.tokenColumn());
    BatchPlan plan =
        BatchPlan.fixed(packing.samples(), s.batchSize(), s.dropLast(), s.worldSize() > 1);
    planned = new Epoch(number, packing, plan);
    return planned;
  }
}
