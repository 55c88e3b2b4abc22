package dev.lazyarrow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path tmp;

  /** A run line as compare.sh writes it; the Java figures carry the JVM keys too. */
  private static String run(
      String system, String cache, long corpusRows, double openS, double randomRate, double rss) {
    String jvm =
        system.equals(Report.DATASETS)
            ? ""
            : ", \"open_first_s\": 0.1, \"rss_mb_idle\": 70, \"heap_mb_after_open\": 7.5";
    return String.format(
        Locale.ROOT,
        "{\"cache\": \"%s\", \"round\": 0, \"corpus_rows\": %d, \"figures\": {\"system\": \"%s\","
            + " \"rows\": %d, \"open_s\": %s, \"first_row_s\": %s, \"random_rows_per_s\": %s,"
            + " \"rss_mb_after_open\": %s%s}}",
        cache,
        corpusRows,
        system,
        corpusRows,
        openS,
        openS * 2,
        randomRate,
        rss,
        jvm);
  }

  private Path write(List<String> lines) throws IOException {
    Path file = tmp.resolve("runs.jsonl");
    Files.write(file, lines);
    return file;
  }

  @Test
  void markdown_threeRounds_mediansRangesAndRatios() throws IOException {
    List<String> lines = new ArrayList<>();
    double[] hfOpen = {0.5, 0.7, 0.6};
    double[] lazyOpen = {0.004, 0.002, 0.003};
    for (int round = 0; round < 3; round++) {
      lines.add(run(Report.DATASETS, "cold", 1000, hfOpen[round], 30_000, 400));
      lines.add(run(Report.DATASETS, "warm", 1000, 0.2, 30_000 + round * 1000, 400));
      lines.add(run(Report.LAZY, "cold", 1000, lazyOpen[round], 1e6, 90));
      lines.add(run(Report.LAZY, "warm", 1000, 0.001, 900_000 + round * 100_000, 90));
      lines.add(run(Report.EAGER, "cold", 1000, 1.2, 2e6, 1500));
      lines.add(run(Report.EAGER, "warm", 1000, 1.0, 2e6, 1500));
    }
    lines.add(run(Report.LAZY, "warm", 100, 0.001, 1e6, 91));
    String md = Report.markdown(Report.read(write(lines)), "a test machine");

    assertTrue(md.contains("Median (min-max) over 3 rounds on a corpus of 1,000 rows"), md);
    assertTrue(
        md.contains(
            "| open, cold page cache (ms) | 600 (500-700) | 3.00 (2.00-4.00) | 200x"
                + " | 1200 (1200-1200) | 0.500x |"),
        md);
    assertTrue(
        md.contains("| random rows/s | 31.0k (30.0k-32.0k) | 1.00M (900k-1.10M) | 32.3x |"), md);
    assertTrue(
        md.contains("| RSS after open above the idle JVM (MB) | - | 20.0 (20.0-20.0) |  |"), md);
    assertTrue(md.contains("lazy is 400x sooner"), md);
    assertTrue(
        md.contains("| RSS after open (MB) | - | 400 (400-400) | 91.0 | 90.0 (90.0-90.0) |"), md);
    assertTrue(md.endsWith("```\na test machine\n```\n"), md);
  }

  @Test
  void markdown_pageCacheNeverDropped_saysSo() throws IOException {
    String md =
        Report.markdown(
            Report.read(
                write(
                    List.of(
                        run(Report.DATASETS, "first", 10, 0.5, 30_000, 400),
                        run(Report.LAZY, "first", 10, 0.002, 1e6, 90)))),
            "");
    assertTrue(
        md.contains("| open, first run, page cache as found (ms) | 500 | 2.00 | 250x |"), md);
  }

  @Test
  void markdown_packedAndCopyFloorRuns_packedRowAndShareOfTheFloor() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      lines.add(packed(Report.DATASETS, "{\"packed_tokens_per_s\": 2e7}"));
      lines.add(packed(Report.LAZY, "{\"packed_tokens_per_s\": " + (2e8 + round * 1e8) + "}"));
      lines.add(
          packed(Report.COPY_FLOOR, "{\"copy_floor_tokens_per_s\": " + (5e8 + round * 1e8) + "}"));
    }
    String md = Report.markdown(Report.read(write(lines)), "");

    assertTrue(
        md.contains(
            "| packed tokens/s (shuffled, seqLen 2048, 8 samples a batch, cu_seqlens) | 20.0M"
                + " (20.0M-20.0M) | 300M (200M-400M) | 15.0x |"),
        md);
    assertTrue(
        md.contains("LazyArrow lazy 300M, copy floor 600M (500M-700M): 0.500 of the floor"), md);
  }

  /**
   * A warm run of {@code system} on 1,000 rows whose figures beside its name are {@code json}'s.
   */
  private static String packed(String system, String json) {
    return "{\"cache\": \"warm\", \"round\": 0, \"corpus_rows\": 1000, \"figures\": {\"system\": \""
        + system
        + "\", "
        + json.substring(1)
        + "}";
  }

  @Test
  void main_runs_writesTableAndChart() throws IOException {
    List<String> lines = new ArrayList<>();
    for (String cache : List.of("cold", "warm")) {
      lines.add(run(Report.DATASETS, cache, 10, 0.5, 30_000, 400));
      lines.add(run(Report.LAZY, cache, 10, 0.002, 1e6, 90));
      lines.add(run(Report.EAGER, cache, 10, 2, 1e6, 900));
    }
    Path machine = tmp.resolve("machine.txt");
    Files.writeString(machine, "machine");
    Path out = tmp.resolve("results");
    Report.main(new String[] {write(lines).toString(), machine.toString(), out.toString()});
    assertTrue(Files.readString(out.resolve("compare.md")).contains("| random rows/s |"));
    BufferedImage chart = ImageIO.read(out.resolve("compare.png").toFile());
    assertEquals(1100, chart.getWidth());
    assertEquals(560, chart.getHeight());
  }
}
