import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.ReadMode;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The device floor of cold random reads, and the bytes a row holds, for benchmarks/cold.sh.
 *
 * <pre>
 *   java -cp target/lazyarrow-cli.jar benchmarks/cold/FloorProbe.java floor DATASET ROWS [THREADS]
 *   java -cp target/lazyarrow-cli.jar benchmarks/cold/FloorProbe.java rowbytes DATASET SPLIT
 * </pre>
 *
 * <p>{@code floor} reads ROWS "rows" the way a random-access reader at the device's limit would:
 * three positional reads of 2 KB per row at uniformly random offsets of the dataset's shard files,
 * from THREADS (default 32) threads, and prints one JSON line: rows/s and the bytes read from disk
 * per row ({@code read_bytes} of /proc/self/io). {@code rowbytes} prints the mean bytes of values a
 * row of SPLIT holds, whole and in the training columns (input_ids, label), over 2,000 random rows
 * read by ranges: strings in UTF-8, lists and scalars at their Arrow width, plus 4 bytes of offset
 * per string or list.
 */
public class FloorProbe {
  private static final int READS_PER_ROW = 3;
  private static final int READ_BYTES = 2048;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("floor")) {
      floor(
          Path.of(args[1]),
          Integer.parseInt(args[2]),
          args.length > 3 ? Integer.parseInt(args[3]) : 32);
    } else {
      rowBytes(Path.of(args[1]), args[2]);
    }
  }

  private static void floor(Path dataset, int rows, int threads) throws Exception {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dataset)) {
      files = walk.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
    FileChannel[] channels = new FileChannel[files.size()];
    long[] ends = new long[files.size()];
    long total = 0;
    for (int i = 0; i < channels.length; i++) {
      channels[i] = FileChannel.open(files.get(i));
      total += channels[i].size();
      ends[i] = total;
    }
    long all = total;
    AtomicInteger next = new AtomicInteger();
    long before = readBytes();
    long start = System.nanoTime();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(t);
      workers[t] =
          new Thread(
              () -> {
                ByteBuffer buf = ByteBuffer.allocate(READ_BYTES);
                while (next.getAndIncrement() < rows) {
                  for (int r = 0; r < READS_PER_ROW; r++) {
                    long at = random.nextLong(all);
                    int f = 0;
                    while (ends[f] <= at) {
                      f++;
                    }
                    long size = ends[f] - (f == 0 ? 0 : ends[f - 1]);
                    long offset = Math.min(at - (ends[f] - size), Math.max(0, size - READ_BYTES));
                    try {
                      buf.clear();
                      channels[f].read(buf, offset);
                    } catch (IOException e) {
                      throw new RuntimeException(e);
                    }
                  }
                }
              });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long read = readBytes() - before;
    System.out.printf(
        "{\"rows_per_s\": %.1f, \"read_bytes_per_row\": %.1f, \"threads\": %d, \"rows\": %d}%n",
        rows / seconds, read / (double) rows, threads, rows);
  }

  private static void rowBytes(Path dataset, String splitName) {
    try (LazyDataset ds = LazyDataset.newBuilder().readMode(ReadMode.RANGES).open(dataset)) {
      Split split = ds.split(splitName);
      SplittableRandom random = new SplittableRandom(5);
      int n = 2000;
      double whole = 0;
      double train = 0;
      for (int i = 0; i < n; i++) {
        Row row = split.get(random.nextLong(split.size()));
        for (String column : row.columnNames()) {
          long b = bytes(row.get(column));
          whole += b;
          if (column.equals("input_ids") || column.equals("label")) {
            train += b;
          }
        }
      }
      System.out.printf("{\"row_bytes\": %.1f, \"train_row_bytes\": %.1f}%n", whole / n, train / n);
    }
  }

  private static long bytes(Object v) {
    if (v == null) {
      return 0;
    } else if (v instanceof String s) {
      return 4 + s.getBytes(StandardCharsets.UTF_8).length;
    } else if (v instanceof int[] a) {
      return 4 + 4L * a.length;
    } else if (v instanceof long[] a) {
      return 4 + 8L * a.length;
    } else if (v instanceof List<?> l) {
      return 4 + l.stream().mapToLong(FloorProbe::bytes).sum();
    } else if (v instanceof Map<?, ?> m) {
      return m.values().stream().mapToLong(FloorProbe::bytes).sum();
    } else if (v instanceof Integer) {
      return 4;
    }
    return 8;
  }

  private static long readBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
      if (line.startsWith("read_bytes:")) {
        return Long.parseLong(line.substring(11).trim());
      }
    }
    return -1;
  }
}
