package dev.lazyarrow.loader;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * A converted corpus of token documents whose every token says where it is: token {@code j} of row
 * {@code r} is {@code r * 10,000 + j}. Lengths are random up to 600, with empty, null and long
 * (5,000-token) documents among them.
 */
final class PackedCorpus {
  static final int EOD = 2_000_000_000;

  final Split split;
  final int[] lengths;
  private final LazyDataset dataset;

  private PackedCorpus(LazyDataset dataset, int[] lengths) {
    this.dataset = dataset;
    this.split = dataset.split("train");
    this.lengths = lengths;
  }

  /** Writes and converts a corpus of {@code rows} documents under {@code dir}. */
  static PackedCorpus write(Path dir, int rows, long seed) {
    Random random = new Random(seed);
    int[] lengths = new int[rows];
    StringBuilder lines = new StringBuilder();
    for (int r = 0; r < rows; r++) {
      int kind = random.nextInt(100);
      lines.append("{\"id\": ").append(r).append(", \"input_ids\": ");
      if (kind == 0) {
        lines.append("null}\n");
        continue;
      }
      lengths[r] = kind < 3 ? 0 : kind < 5 ? 5000 : random.nextInt(600);
      lines.append('[');
      for (int j = 0; j < lengths[r]; j++) {
        lines.append(j == 0 ? "" : ",").append(token(r, j));
      }
      lines.append("]}\n");
    }
    try {
      Path source = dir.resolve("corpus-" + seed + ".jsonl");
      Files.writeString(source, lines);
      Path out = dir.resolve("corpus-" + seed);
      Converter.newBuilder().batchBytes(64 << 10).build().convert(source, out);
      return new PackedCorpus(LazyDataset.open(out), lengths);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int token(long row, int j) {
    return (int) (row * 10_000 + j);
  }

  /** Returns the rows of an epoch in the order of a row loader with the same options. */
  static long[] order(Loader rowLoader) {
    List<Long> rows = new ArrayList<>();
    for (Iterator<TrainingBatch> it = rowLoader.plan(); it.hasNext(); ) {
      for (long row : it.next().indices()) {
        rows.add(row);
      }
    }
    return rows.stream().mapToLong(Long::longValue).toArray();
  }

  /** Returns the token stream of documents {@code order}, each followed by {@code eod} if >= 0. */
  int[] stream(long[] order, int eod) {
    int total = 0;
    for (long row : order) {
      total += lengths[(int) row] + (eod >= 0 ? 1 : 0);
    }
    int[] out = new int[total];
    int at = 0;
    for (long row : order) {
      for (int j = 0; j < lengths[(int) row]; j++) {
        out[at++] = token(row, j);
      }
      if (eod >= 0) {
        out[at++] = eod;
      }
    }
    return out;
  }

  void close() {
    dataset.close();
  }
}
