package dev.lazyarrow.cli;

import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.TrainingBatch;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The timed passes of {@code bench}: each reads a split as a training loop would, returns rows/s.
 */
final class BenchPasses {
  /** Where every materialized row goes, so that the JIT cannot skip making it. */
  static volatile Object sink;

  private BenchPasses() {}

  /** Reads {@code rows} uniformly random rows with {@code get}, from {@code threads} threads. */
  static double random(Split s, int rows, int threads) {
    SplittableRandom random = new SplittableRandom(1);
    long[] indices = new long[rows];
    for (int i = 0; i < rows; i++) {
      indices[i] = random.nextLong(s.size());
    }
    long t = System.nanoTime();
    if (threads == 1) {
      for (long i : indices) {
        sink = s.get(i);
      }
    } else {
      AtomicInteger next = new AtomicInteger();
      IntStream.range(0, threads)
          .mapToObj(
              k ->
                  new Thread(
                      () -> {
                        for (int i = next.getAndIncrement(); i < rows; i = next.getAndIncrement()) {
                          sink = s.get(indices[i]);
                        }
                      }))
          .peek(Thread::start)
          .toList()
          .forEach(BenchPasses::join);
    }
    return rows / seconds(t);
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the random pass ran", e);
    }
  }

  static double sequential(Split s, long limit) {
    long t = System.nanoTime();
    long seen = 0;
    while (seen < limit) {
      for (Row row : s) {
        sink = row;
        if (++seen == limit) {
          break;
        }
      }
    }
    return seen / seconds(t);
  }

  /**
   * Reads rows in a seeded shuffled order, {@value BenchCommand#TAKE} at a time, as the reference
   * iterates {@code ds.shuffle(seed=0)} in batches of 1,000.
   */
  static double shuffled(Split s, long limit) {
    long t = System.nanoTime();
    long seen = 0;
    while (seen < limit) {
      try (Loader loader = Loader.newBuilder(s).shuffle(0).batchSize(BenchCommand.TAKE).build()) {
        for (TrainingBatch batch : loader) {
          sink = batch.rows();
          seen += batch.size();
          if (seen >= limit) {
            break;
          }
        }
      }
    }
    return seen / seconds(t);
  }

  /**
   * Feeds a token classifier as hf_reference.py's {@code train_rows_per_s} does: the split
   * projected on the two columns it needs (before the clock starts, as {@code select_columns}),
   * shuffled batches of {@value BenchCommand#TAKE}, the ids padded into one int matrix with a mask,
   * the labels as an array.
   */
  static double train(Split s, long limit) {
    Split columns = s.select(BenchCommand.TRAIN_COLUMNS.toArray(String[]::new));
    return train(() -> Loader.newBuilder(columns), limit);
  }

  /**
   * Feeds a token classifier {@code limit} rows from the loaders {@code source} starts (a split's
   * or a mixture's, projected on the two columns), as {@link #train(Split, long)} does.
   */
  static double train(Supplier<LoaderBuilder> source, long limit) {
    long t = System.nanoTime();
    long seen = 0;
    while (seen < limit) {
      try (Loader loader = source.get().shuffle(0).batchSize(BenchCommand.TAKE).build()) {
        for (TrainingBatch batch : loader) {
          sink = batch.tokens("input_ids");
          sink = batch.longs("label");
          seen += batch.size();
          if (seen >= limit) {
            break;
          }
        }
      }
    }
    return seen / seconds(t);
  }

  /**
   * The figures of the packed pass: tokens per second, the seconds the loader took to plan, and the
   * batches it timed.
   */
  record Packed(double tokensPerS, double buildS, long batches) {}

  /**
   * Makes GPT pretraining samples as hf_reference.py's {@code packed_tokens_per_s} does: the
   * documents of {@code input_ids} in a seeded global shuffle, laid end to end and cut into samples
   * of {@code seqLen + 1} tokens, {@value BenchCommand#PACK_BATCH} a batch with their boundaries
   * (cu_seqlens), as many batches as the reference's stream of {@code documents} documents holds;
   * counts {@code seqLen} tokens a sample, the inputs, as the reference does. The loader is built
   * and its epoch planned before the clock starts, as the reference shuffles first (buildS); the
   * shuffle's seed is {@code seed} (the reference's is 0). Returns null if the split holds no batch
   * of such samples.
   */
  static Packed packed(Split s, long seed, long documents, int seqLen) {
    return packed(() -> Loader.newBuilder(s), seed, batchesOf(s, documents), seqLen, 0);
  }

  /**
   * Returns the batches of the reference's stream of {@code documents} shuffled documents of {@code
   * s}, from the samples of an epoch: about that share of them.
   */
  static LongUnaryOperator batchesOf(Split s, long documents) {
    return samples ->
        Math.max(1, Math.round((double) samples * documents / s.size() / BenchCommand.PACK_BATCH));
  }

  /**
   * Times {@code batches.applyAsLong(samplesPerEpoch)} batches of packed samples from the loader
   * {@code source} starts (a split's or a mixture's) shuffled from {@code seed}, as {@link
   * #packed(Split, long, long, int)} does, after {@code untimed} batches made before the clock
   * starts (counted in the build).
   */
  static Packed packed(
      Supplier<LoaderBuilder> source,
      long seed,
      LongUnaryOperator batches,
      int seqLen,
      int untimed) {
    long t = System.nanoTime();
    try (PackedLoader loader =
        source
            .get()
            .shuffle(seed)
            .batchSize(BenchCommand.PACK_BATCH)
            .pack(seqLen, BenchCommand.PACK_COLUMN)
            .build()) {
      long wanted = batches.applyAsLong(loader.samplesPerEpoch());
      if (loader.batchesPerEpoch() == 0) {
        return null;
      }
      Iterator<PackedBatch> first = loader.iterator();
      for (int i = 0; i < untimed && first.hasNext(); i++) {
        sink = first.next().tokens();
      }
      double buildS = seconds(t);
      t = System.nanoTime();
      long emitted = 0;
      long made = 0;
      while (made < wanted) {
        for (PackedBatch batch : loader) {
          sink = batch.tokens();
          sink = batch.cuSeqlens();
          emitted += (long) batch.size() * batch.seqLen();
          if (++made == wanted) {
            break;
          }
        }
      }
      return new Packed(emitted / seconds(t), buildS, wanted);
    }
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
