package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Indexer;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.BigStreams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncates a stream served in place while a child JVM scans it, as a data pipeline might: the
 * child must fail with "file changed under the reader", never die of SIGBUS (exit 134).
 */
class TruncatedUnderReadTest {
  private static final int ROWS = 400_000;
  private static final int RUNS = 3;

  @TempDir Path tmp;

  @Test
  void scan_streamTruncatedMidRead_failsAsChangedInsteadOfCrashing() throws Exception {
    Path pristine = BigStreams.saveToDisk(tmp.resolve("pristine"), ROWS);
    Indexer.index(pristine);
    Path data = pristine.resolve(BigStreams.DATA_FILE);
    FileTime indexed = Files.getLastModifiedTime(data);
    for (int run = 0; run < RUNS; run++) {
      Path dir = tmp.resolve("run" + run);
      copyFolder(pristine, dir, indexed);
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  Scan.class.getName(),
                  dir.toString())
              .redirectErrorStream(true)
              .start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line = out.readLine();
        // JDK 24 and later warn on sun.misc.Unsafe (JEP 498) before the child prints anything.
        while (line != null && line.startsWith("WARNING:")) {
          line = out.readLine();
        }
        assertEquals("scanning", line, "the child reached the middle of its scan");
        Path shard = dir.resolve(BigStreams.DATA_FILE);
        try (RandomAccessFile file = new RandomAccessFile(shard.toFile(), "rw")) {
          file.setLength(file.length() * 3 / 8);
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child ended");
        String rest = String.join("\n", out.lines().toList());
        assertEquals(1, child.exitValue(), "run " + run + ": " + rest);
        assertTrue(rest.contains("file changed under the reader"), rest);
      } finally {
        child.destroyForcibly();
      }
    }
  }

  private static void copyFolder(Path from, Path to, FileTime indexed) throws Exception {
    Files.createDirectories(to);
    List<String> names =
        List.of(
            BigStreams.DATA_FILE,
            "dataset_info.json",
            "state.json",
            "lazyarrow.json",
            "lazyarrow.index");
    for (String name : names) {
      Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
    }
    Files.setLastModifiedTime(to.resolve(BigStreams.DATA_FILE), indexed);
  }

  /**
   * The child: scans the folder's rows twice (the second pass in compiled code), says "scanning"
   * once a pass is done so the parent truncates mid-scan, and exits 1 with the error's message.
   */
  static final class Scan {
    public static void main(String[] args) {
      // A cache smaller than the data, so that every pass reads the file again.
      try (LazyDataset ds =
          LazyDataset.newBuilder().maximumCacheBytes(4L << 20).open(Path.of(args[0]))) {
        Split train = ds.split("train");
        long sum = 0;
        for (int pass = 0; pass < 4; pass++) {
          for (Row row : train) {
            sum += row.getLong("id") + row.getString("text").length();
          }
          if (pass == 1) {
            System.out.println("scanning");
            System.out.flush();
          }
        }
        System.out.println("read all rows, sum " + sum);
        System.exit(0);
      } catch (LazyArrowException e) {
        System.out.println(e.getMessage());
        System.exit(1);
      }
    }
  }
}
