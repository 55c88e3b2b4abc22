package dev.lazyarrow.loader;

import dev.lazyarrow.internal.read.ShardFile;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * The fine-tuning recipe: whole documents packed into bins of {@code seqLen + 1} tokens, padded at
 * the end, one window of documents at a time in the epoch's order. A document longer than a bin is
 * cut into bin-sized pieces first; its last piece is packed as a document of its own.
 *
 * <p>First fit puts each piece into the first bin of the window it fits; best fit into the bin it
 * fills most (the first of those). A window's bins come in the order they were opened. The plan
 * keeps the lengths and one count per window; a window's bins are packed again when a sample asks
 * for them, which costs {@code O(window log window)} once per window as samples are read in order.
 */
final class BinPack extends PackPlan {
  /** Positions whose rows are worked out before their lengths are looked up, at a time. */
  private static final int CHUNK = 4096;

  private final Sampler order;
  private final int[] lengths;
  private final int extra;
  private final int window;
  private final boolean bestFit;
  private final String column;

  /** {@code binsBefore[w]}: the bins of the windows before window w; then the epoch's samples. */
  private final long[] binsBefore;

  private final long documentTokens;
  private volatile Window last;

  BinPack(
      Sampler order,
      int[] lengths,
      int extra,
      int seqLen,
      int window,
      boolean bestFit,
      String column) {
    super(seqLen);
    this.order = order;
    this.lengths = lengths;
    this.extra = extra;
    this.window = window;
    this.bestFit = bestFit;
    this.column = column;
    long windows = (order.size() + window - 1) / window;
    binsBefore = new long[Math.toIntExact(windows) + 1];
    long tokens = 0;
    for (int w = 0; w < windows; w++) {
      Window packed = pack(w);
      binsBefore[w + 1] = binsBefore[w] + packed.bins();
      tokens += packed.tokens;
    }
    documentTokens = tokens;
  }

  @Override
  long samples() {
    return binsBefore[binsBefore.length - 1];
  }

  @Override
  void pieces(long sample, Pieces out) {
    Samplers.check(sample, samples());
    int w = ShardFile.locate(binsBefore, sample);
    Window packed = last;
    if (packed == null || packed.number != w) {
      packed = pack(w);
      last = packed;
    }
    int bin = (int) (sample - binsBefore[w]);
    for (int k = packed.binStart[bin]; k < packed.binStart[bin + 1]; k++) {
      out.add(packed.rows[k], packed.from[k], packed.to[k]);
    }
  }

  @Override
  double fillRate() {
    long slots = samples() * width;
    return slots == 0 ? 1 : (double) documentTokens / slots;
  }

  /** Packs window {@code w}: its pieces, grouped by bin in the order the bins were opened. */
  private Window pack(int w) {
    long first = (long) w * window;
    long end = Math.min(order.size(), first + window);
    Pieces items = new Pieces();
    long tokens = 0;
    // The rows of a chunk first, then their lengths, then the pieces: the lookups, scattered over
    // an array far larger than the caches, are then independent loads kept in flight together.
    int chunk = (int) Math.min(CHUNK, end - first);
    long[] chunkRows = new long[chunk];
    int[] lengthOf = new int[chunk];
    for (long at = first; at < end; at += chunk) {
      int m = (int) Math.min(chunk, end - at);
      Samplers.rows(order, at, m, chunkRows);
      for (int k = 0; k < m; k++) {
        lengthOf[k] = lengths[(int) chunkRows[k]];
      }
      for (int k = 0; k < m; k++) {
        int length =
            lengthOf[k] > Integer.MAX_VALUE - extra
                ? tokens(lengths, chunkRows[k], extra, column)
                : lengthOf[k] + extra;
        tokens += length;
        for (long from = 0; from < length; from += width) {
          items.add(chunkRows[k], (int) from, (int) Math.min(length, from + width));
        }
      }
    }
    int[] bin = bestFit ? bestFit(items) : firstFit(items);
    int bins = 0;
    for (int k = 0; k < items.count; k++) {
      bins = Math.max(bins, bin[k] + 1);
    }
    int[] binStart = new int[bins + 1];
    for (int k = 0; k < items.count; k++) {
      binStart[bin[k] + 1]++;
    }
    for (int b = 0; b < bins; b++) {
      binStart[b + 1] += binStart[b];
    }
    int[] next = Arrays.copyOf(binStart, bins);
    long[] rows = new long[items.count];
    int[] from = new int[items.count];
    int[] to = new int[items.count];
    for (int k = 0; k < items.count; k++) {
      int at = next[bin[k]]++;
      rows[at] = items.rows[k];
      from[at] = items.from[k];
      to[at] = items.to[k];
    }
    return new Window(w, binStart, rows, from, to, tokens);
  }

  /** Returns each item's bin: the first with room, found in a max-tree of the bins' room. */
  private int[] firstFit(Pieces items) {
    int leaves = Integer.highestOneBit(Math.max(1, items.count - 1)) << 1;
    int[] room = new int[2 * leaves];
    Arrays.fill(room, width);
    int[] bin = new int[items.count];
    for (int k = 0; k < items.count; k++) {
      int size = items.to[k] - items.from[k];
      int node = 1;
      while (node < leaves) {
        node = room[2 * node] >= size ? 2 * node : 2 * node + 1;
      }
      bin[k] = node - leaves;
      room[node] -= size;
      for (node >>>= 1; node > 0; node >>>= 1) {
        room[node] = Math.max(room[2 * node], room[2 * node + 1]);
      }
    }
    return bin;
  }

  /** Returns each item's bin: the one it leaves least room in, the first of those on a tie. */
  private int[] bestFit(Pieces items) {
    // Keys pack a bin's room above its number: the ceiling of (size << 32) is the fullest bin with
    // room for size, the lowest-numbered of equals.
    TreeSet<Long> open = new TreeSet<>();
    int[] bin = new int[items.count];
    int opened = 0;
    for (int k = 0; k < items.count; k++) {
      int size = items.to[k] - items.from[k];
      Long fit = open.ceiling((long) size << 32);
      int room;
      if (fit == null) {
        bin[k] = opened++;
        room = width - size;
      } else {
        open.remove(fit);
        bin[k] = (int) (fit & 0xffffffffL);
        room = (int) (fit >>> 32) - size;
      }
      if (room > 0) {
        open.add((long) room << 32 | bin[k]);
      }
    }
    return bin;
  }

  /** One window's bins: bin b holds pieces {@code [binStart[b], binStart[b + 1])}. */
  private record Window(
      int number, int[] binStart, long[] rows, int[] from, int[] to, long tokens) {
    int bins() {
      return binStart.length - 1;
    }
  }
}
