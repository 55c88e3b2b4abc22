package dev.lazyarrow.loader;

import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * Runs of values written into the int buffers of a {@link PackedBatch}: through the backing array
 * of a heap buffer with one bulk call, into a direct one with absolute puts.
 */
final class Ints {
  /** 0, 1, 2, ...: what position ids copy from. */
  private static final int[] RAMP = new int[8192];

  static {
    for (int i = 0; i < RAMP.length; i++) {
      RAMP[i] = i;
    }
  }

  private Ints() {}

  /** Writes {@code value} into {@code count} values of {@code into} from index {@code at} on. */
  static void fill(IntBuffer into, int at, int count, int value) {
    if (into.hasArray()) {
      int from = into.arrayOffset() + at;
      Arrays.fill(into.array(), from, from + Math.max(0, count), value);
      return;
    }
    for (int t = 0; t < count; t++) {
      into.put(at + t, value);
    }
  }

  /** Writes 0, 1, ..., {@code count - 1} into {@code into} from index {@code at} on. */
  static void ramp(IntBuffer into, int at, int count) {
    int bulk = Math.max(0, Math.min(count, RAMP.length));
    if (into.hasArray()) {
      System.arraycopy(RAMP, 0, into.array(), into.arrayOffset() + at, bulk);
    } else {
      into.put(at, RAMP, 0, bulk);
    }
    for (int t = bulk; t < count; t++) {
      into.put(at + t, t);
    }
  }
}
