package dev.lazyarrow.loader;

import java.util.Arrays;

/**
 * A walk through a mixture's positions in order, from any position whose draws are known: each
 * step gives the source of the position and counts its draw. {@link MixPlan} walks an epoch once to
 * find its length and checkpoints, then again from a checkpoint for each chunk of positions read.
 *
 * <p>Which source a position draws from depends only on the position and every source's draws
 * before it, so a walk started from a checkpoint gives what the walk from the epoch's start gave.
 */
abstract class MixWalk {
  /** Every source's draws before {@link #position}. */
  final long[] drawn;

  /** The position the next step gives the source of. */
  long position;

  MixWalk(int sources) {
    this.drawn = new long[sources];
  }

  /** Returns a walk of Tijdeman's blend if not {@code sampled}, else of the seeded draw. */
  static MixWalk of(double[] weights, boolean sampled, long seed) {
    return sampled ? new Sampled(weights, seed) : new Blended(weights);
  }

  /** Moves the walk to {@code at}, before which source {@code d} was drawn {@code draws[d]} times. */
  void seek(long at, int[] draws) {
    position = at;
    for (int d = 0; d < drawn.length; d++) {
      drawn[d] = draws[d];
    }
    restart();
  }

  /** Rebuilds what the walk keeps besides the position and the draws. */
  abstract void restart();

  /** Returns the source of {@link #position}, then counts its draw and moves to the next. */
  abstract int step();

  /**
   * Tijdeman's earliest deadline first: among the sources whose deficit {@code weight * (i + 1) -
   * drawn} is above {@code 1 - k}, the one whose next draw is due soonest, {@code (drawn + k) /
   * weight}, with {@code k = 1 - 1 / (2 * (sources - 1))}; the lowest source on a tie. It keeps
   * every source within {@code k} (below one) of its share at every prefix, where the
   * largest-deficit rule of Megatron's {@code build_blending_indices} drifts past one with small
   * weights.
   *
   * <p>A source stays allowed until it is drawn (its deficit only grows), so the allowed sources
   * wait in a heap by their due draw and the others in a ring of buckets by the position they
   * become allowed at (a heap for those further ahead than the ring, sources of tiny weights): a
   * step costs {@code O(log sources)}, not a pass over the sources.
   */
  private static final class Blended extends MixWalk {
    /** The positions ahead of the walk that the ring of waiting sources covers. */
    private static final int RING = 1024;

    private static final int NONE = -1;

    private final int[] ring = new int[RING];
    private final int[] next;
    private final double[] weights;
    private final double k;
    private final double threshold;
    private final double[] due;
    private final long[] allowedAt;
    private final int[] ready;
    private final int[] waiting;
    private int readySize;
    private int waitingSize;

    Blended(double[] weights) {
      super(weights.length);
      this.weights = weights;
      this.k = weights.length > 1 ? 1 - 1.0 / (2 * (weights.length - 1)) : 1;
      this.threshold = 1 - k - 1e-12;
      this.due = new double[weights.length];
      this.allowedAt = new long[weights.length];
      this.ready = new int[weights.length];
      this.waiting = new int[weights.length];
      this.next = new int[weights.length];
      restart();
    }

    @Override
    void restart() {
      readySize = 0;
      waitingSize = 0;
      Arrays.fill(ring, NONE);
      for (int d = 0; d < weights.length; d++) {
        if (weights[d] > 0) {
          schedule(d);
        }
      }
    }

    @Override
    int step() {
      while (waitingSize > 0 && allowedAt[waiting[0]] < position + RING) {
        link(popWaiting());
      }
      int slot = (int) (position & (RING - 1));
      for (int d = ring[slot]; d != NONE; d = next[d]) {
        pushReady(d);
      }
      ring[slot] = NONE;
      int d;
      if (readySize > 0) {
        d = popReady();
      } else {
        d = largestDeficit(position + 1.0);
        if (weights[d] > 0) {
          removeWaiting(d);
        }
      }
      drawn[d]++;
      position++;
      if (weights[d] > 0) {
        schedule(d);
      }
      return d;
    }

    private boolean allowed(int d, long at) {
      return weights[d] * (at + 1.0) - drawn[d] > threshold;
    }

    /** Puts source {@code d}'s next draw in the heap it belongs to now. */
    private void schedule(int d) {
      due[d] = (drawn[d] + k) / weights[d];
      if (allowed(d, position)) {
        pushReady(d);
        return;
      }
      // The deficit grows with the position: the first allowed one is near where it crosses the
      // threshold; rounding can put it a position either side of the estimate.
      double estimate = Math.ceil((threshold + drawn[d]) / weights[d] - 1);
      if (!(estimate < 0x1p40)) {
        allowedAt[d] = Long.MAX_VALUE; // beyond any epoch's length
      } else {
        long at = Math.max(position + 1, (long) estimate);
        while (at > position + 1 && allowed(d, at - 1)) {
          at--;
        }
        while (!allowed(d, at)) {
          at++;
        }
        allowedAt[d] = at;
      }
      if (allowedAt[d] < position + RING) {
        link(d);
      } else {
        pushWaiting(d);
      }
    }

    /** Puts the waiting source {@code d} in the ring's bucket of the position it is allowed at. */
    private void link(int d) {
      int slot = (int) (allowedAt[d] & (RING - 1));
      next[d] = ring[slot];
      ring[slot] = d;
    }

    /** The fallback that rounding alone could call for: the source furthest below its share. */
    private int largestDeficit(double target) {
      int best = 0;
      for (int d = 1; d < weights.length; d++) {
        if (weights[d] * target - drawn[d] > weights[best] * target - drawn[best]) {
          best = d;
        }
      }
      return best;
    }

    private boolean sooner(int a, int b) {
      return due[a] < due[b] || (due[a] == due[b] && a < b);
    }

    private void pushReady(int d) {
      int i = readySize++;
      while (i > 0 && sooner(d, ready[(i - 1) >>> 1])) {
        ready[i] = ready[(i - 1) >>> 1];
        i = (i - 1) >>> 1;
      }
      ready[i] = d;
    }

    private int popReady() {
      int top = ready[0];
      int last = ready[--readySize];
      int i = 0;
      while (true) {
        int c = 2 * i + 1;
        if (c >= readySize) {
          break;
        }
        if (c + 1 < readySize && sooner(ready[c + 1], ready[c])) {
          c++;
        }
        if (!sooner(ready[c], last)) {
          break;
        }
        ready[i] = ready[c];
        i = c;
      }
      ready[i] = last;
      return top;
    }

    private void pushWaiting(int d) {
      siftUpWaiting(waitingSize++, d);
    }

    private void siftUpWaiting(int i, int d) {
      while (i > 0 && allowedAt[d] < allowedAt[waiting[(i - 1) >>> 1]]) {
        waiting[i] = waiting[(i - 1) >>> 1];
        i = (i - 1) >>> 1;
      }
      waiting[i] = d;
    }

    private int popWaiting() {
      int top = waiting[0];
      siftDownWaiting(0, waiting[--waitingSize]);
      return top;
    }

    private void siftDownWaiting(int i, int d) {
      while (true) {
        int c = 2 * i + 1;
        if (c >= waitingSize) {
          break;
        }
        if (c + 1 < waitingSize && allowedAt[waiting[c + 1]] < allowedAt[waiting[c]]) {
          c++;
        }
        if (allowedAt[waiting[c]] >= allowedAt[d]) {
          break;
        }
        waiting[i] = waiting[c];
        i = c;
      }
      waiting[i] = d;
    }

    private void removeWaiting(int d) {
      if (allowedAt[d] < position + RING) {
        int slot = (int) (allowedAt[d] & (RING - 1));
        if (ring[slot] == d) {
          ring[slot] = next[d];
        } else {
          int prev = ring[slot];
          while (next[prev] != d) {
            prev = next[prev];
          }
          next[prev] = next[d];
        }
        return;
      }
      int i = 0;
      while (waiting[i] != d) {
        i++;
      }
      int last = waiting[--waitingSize];
      if (i < waitingSize) {
        siftDownWaiting(i, last);
        siftUpWaiting(indexOf(last), last);
      }
    }

    private int indexOf(int d) {
      int i = 0;
      while (waiting[i] != d) {
        i++;
      }
      return i;
    }
  }

  /**
   * A seeded draw with the weights as probabilities, as {@code interleave_datasets(probabilities=
   * ...)}: position {@code i} hashes the seed and {@code i} to a number below the weights' sum and
   * takes the first source whose running sum is above it.
   */
  private static final class Sampled extends MixWalk {
    private final double[] cumulative;
    private final long key;

    Sampled(double[] weights, long seed) {
      super(weights.length);
      cumulative = new double[weights.length];
      double sum = 0;
      for (int d = 0; d < weights.length; d++) {
        sum += weights[d];
        cumulative[d] = sum;
      }
      key = Permutation.key(seed, 0, 11);
    }

    @Override
    void restart() {}

    @Override
    int step() {
      double u = (Permutation.mix(key ^ Permutation.mix(position)) >>> 11) * 0x1.0p-53;
      double x = u * cumulative[cumulative.length - 1];
      // The first running sum above x: a source of weight zero adds nothing, so is never it.
      int low = 0;
      int high = cumulative.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] > x) {
          high = mid;
        } else {
          low = mid + 1;
        }
      }
      drawn[low]++;
      position++;
      return low;
    }
  }
}
