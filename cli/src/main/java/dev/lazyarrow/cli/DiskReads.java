package dev.lazyarrow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The bytes this process has caused to be read from storage, as Linux counts them. */
final class DiskReads {
  private DiskReads() {}

  /**
   * Returns {@code read_bytes} of {@code /proc/self/io}: bytes fetched from the storage layer for
   * this process (page cache hits not counted), or -1 where that file is absent.
   */
  static long bytes() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/io"))) {
      return lines
          .filter(l -> l.startsWith("read_bytes:"))
          .findFirst()
          .map(l -> Long.parseLong(l.substring("read_bytes:".length()).trim()))
          .orElse(-1L);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Returns the bytes read since {@link #bytes} returned {@code before}, per row; NaN if unknown.
   */
  static double perRow(long before, long rows) {
    long now = bytes();
    return before < 0 || now < 0 ? Double.NaN : (now - before) / (double) rows;
  }
}
