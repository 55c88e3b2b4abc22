package dev.lazyarrow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report of {@code compare.sh}: reads its runs (one JSON line each, the figures of {@code
 * hf_reference.py measure} or {@code lazyarrow bench} with the round, the page cache state and the
 * corpus) and writes a Markdown table of medians, spreads and ratios plus a chart.
 *
 * <pre>java -cp benchmarks.jar dev.lazyarrow.bench.Report RUNS.jsonl MACHINE.txt OUT_DIR</pre>
 */
public final class Report {
  static final String DATASETS = "huggingface-datasets";
  static final String LAZY = "lazyarrow";
  static final String EAGER = "lazyarrow-eager";

  /** The runs of {@code benchmarks/cold/CopyFloor.java}, the floor the packed figure is held to. */
  static final String COPY_FLOOR = "copy-floor";

  static final List<String> SYSTEMS = List.of(DATASETS, LAZY, EAGER);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One run: its system, page cache state ({@code cold}, {@code first} or {@code warm}), corpus.
   */
  record Run(String system, String cache, long corpusRows, JsonNode figures) {}

  /** How a figure compares: lower is better (times, memory) or higher (rates). */
  enum Better {
    LOWER,
    HIGHER
  }

  /**
   * One row of the table: the runs it takes (the page cache state), the key, how to scale the value
   * for display, and which way is better.
   */
  record Figure(String label, String cache, String key, double scale, String unit, Better better) {
    /** Returns this figure of one run, scaled, or NaN if the run lacks it or has none. */
    double of(Run run) {
      JsonNode v = run.figures().get(key);
      if (v == null || v.isNull()) {
        return Double.NaN;
      }
      return v.asDouble() * scale;
    }
  }

  /** The median and the range of a figure over the rounds. */
  record Stat(double median, double min, double max, int n) {
    static Stat of(List<Double> values) {
      double[] v =
          values.stream()
              .filter(d -> !d.isNaN())
              .mapToDouble(Double::doubleValue)
              .sorted()
              .toArray();
      if (v.length == 0) {
        return null;
      }
      double median =
          v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
      return new Stat(median, v[0], v[v.length - 1], v.length);
    }
  }

  private Report() {}

  /** Writes {@code compare.md} and {@code compare.png} into {@code args[2]}. */
  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    if (args.length != 3) {
      System.err.println("usage: Report RUNS.jsonl MACHINE.txt OUT_DIR");
      System.exit(2);
    }
    List<Run> runs = read(Path.of(args[0]));
    Path out = Path.of(args[2]);
    Files.createDirectories(out);
    Files.writeString(
        out.resolve("compare.md"), markdown(runs, Files.readString(Path.of(args[1]))));
    ReportChart.write(runs, out.resolve("compare.png"));
  }

  static List<Run> read(Path file) throws IOException {
    List<Run> runs = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(line);
      JsonNode figures = node.get("figures");
      if (figures.has("rss_mb_idle")) {
        // The memory the JVM took since the command started, a counterpart of the target's figure.
        ((ObjectNode) figures)
            .put(
                "rss_above_idle",
                figures.get("rss_mb_after_open").asDouble()
                    - figures.get("rss_mb_idle").asDouble());
      }
      runs.add(
          new Run(
              figures.get("system").asText(),
              node.get("cache").asText(),
              node.get("corpus_rows").asLong(),
              figures));
    }
    return runs;
  }

  /** Returns the figures of the main table; cold ones come from {@code coldCache} runs. */
  static List<Figure> figures(String coldCache) {
    String cold = "cold".equals(coldCache) ? "cold page cache" : "first run, page cache as found";
    return List.of(
        new Figure("open, " + cold + " (ms)", coldCache, "open_s", 1e3, "ms", Better.LOWER),
        new Figure("open, warm (ms)", "warm", "open_s", 1e3, "ms", Better.LOWER),
        new Figure(
            "first row, " + cold + " (ms)", coldCache, "first_row_s", 1e3, "ms", Better.LOWER),
        new Figure(
            "first open in a new JVM, " + cold + " (ms)",
            coldCache,
            "open_first_s",
            1e3,
            "ms",
            Better.LOWER),
        new Figure("random rows/s", "warm", "random_rows_per_s", 1, "", Better.HIGHER),
        new Figure("sequential rows/s", "warm", "seq_rows_per_s", 1, "", Better.HIGHER),
        new Figure("shuffled rows/s", "warm", "shuffled_rows_per_s", 1, "", Better.HIGHER),
        new Figure(
            "train rows/s (shuffled, input_ids padded, label)",
            "warm",
            "train_rows_per_s",
            1,
            "",
            Better.HIGHER),
        new Figure(
            "packed tokens/s (shuffled, seqLen 2048, 8 samples a batch, cu_seqlens)",
            "warm",
            "packed_tokens_per_s",
            1,
            "",
            Better.HIGHER),
        new Figure("RSS after open (MB)", "warm", "rss_mb_after_open", 1, "MB", Better.LOWER),
        new Figure(
            "RSS after open above the idle JVM (MB)",
            "warm",
            "rss_above_idle",
            1,
            "MB",
            Better.LOWER),
        new Figure(
            "Java heap after open, live (MB)", "warm", "heap_mb_after_open", 1, "MB", Better.LOWER),
        new Figure(
            "Arrow allocator after open (MB)",
            "warm",
            "arrow_mb_after_open",
            1,
            "MB",
            Better.LOWER));
  }

  /** Returns the page cache state of the open figures' runs: cold if any run was, else first. */
  static String coldCache(List<Run> runs) {
    return runs.stream().anyMatch(r -> r.cache().equals("cold")) ? "cold" : "first";
  }

  /** Returns the statistic of {@code figure} for {@code system} over runs of {@code corpusRows}. */
  static Stat stat(List<Run> runs, String system, long corpusRows, Figure figure) {
    return Stat.of(
        runs.stream()
            .filter(
                r ->
                    r.system().equals(system)
                        && r.cache().equals(figure.cache())
                        && r.corpusRows() == corpusRows)
            .map(figure::of)
            .toList());
  }

  /** Returns how many times better {@code system} is than {@code base}, from the medians. */
  static double ratio(Stat system, Stat base, Better better) {
    if (system == null || base == null) {
      return Double.NaN;
    }
    return better == Better.HIGHER
        ? system.median() / base.median()
        : base.median() / system.median();
  }

  static String markdown(List<Run> runs, String machine) {
    long main = runs.stream().mapToLong(Run::corpusRows).max().orElseThrow();
    String coldCache = coldCache(runs);
    StringBuilder md = new StringBuilder("# LazyArrow against the datasets library\n\n");
    md.append("Median (min-max) over ")
        .append(rounds(runs, main))
        .append(" rounds on a corpus of ")
        .append(String.format(Locale.ROOT, "%,d", main))
        .append(
            " rows made by hf_reference.py; ratios are LazyArrow's advantage over datasets"
                + " (above 1: better), from the medians.\n\n");
    md.append(
        "| figure | datasets | LazyArrow lazy | lazy vs datasets | LazyArrow eager"
            + " | eager vs datasets |\n|---|---|---|---|---|---|\n");
    for (Figure f : figures(coldCache)) {
      Stat base = stat(runs, DATASETS, main, f);
      Stat lazy = stat(runs, LAZY, main, f);
      Stat eager = stat(runs, EAGER, main, f);
      md.append("| ")
          .append(f.label())
          .append(" | ")
          .append(cell(base))
          .append(" | ")
          .append(cell(lazy))
          .append(" | ")
          .append(times(ratio(lazy, base, f.better())))
          .append(" | ")
          .append(cell(eager))
          .append(" | ")
          .append(times(ratio(eager, base, f.better())))
          .append(" |\n");
    }
    Figure firstRow = figures(coldCache).get(2);
    md.append("\nTime to first row, lazy against eager (")
        .append(firstRow.cache())
        .append(" runs): lazy is ")
        .append(
            times(
                ratio(
                    stat(runs, LAZY, main, firstRow),
                    stat(runs, EAGER, main, firstRow),
                    Better.LOWER)))
        .append(" sooner.\n");
    md.append(packedAgainstFloor(runs, main));
    long[] sizes = runs.stream().mapToLong(Run::corpusRows).distinct().sorted().toArray();
    if (sizes.length > 1) {
      md.append(sizeTable(runs, sizes));
    }
    md.append("\n## Machine\n\n```\n").append(machine.strip()).append("\n```\n");
    return md.toString();
  }

  /**
   * Returns the line that holds the packed figure to the copy floor measured in the same rounds, or
   * nothing if either is missing.
   */
  private static String packedAgainstFloor(List<Run> runs, long main) {
    Figure packed = new Figure("", "warm", "packed_tokens_per_s", 1, "", Better.HIGHER);
    Figure floor = new Figure("", "warm", "copy_floor_tokens_per_s", 1, "", Better.HIGHER);
    Stat lazy = stat(runs, LAZY, main, packed);
    Stat copy = stat(runs, COPY_FLOOR, main, floor);
    if (lazy == null || copy == null) {
      return "";
    }
    return "\nPacked tokens/s against the copy floor"
        + " (benchmarks/cold/CopyFloor.java, one thread, in the same rounds): LazyArrow lazy "
        + number(lazy.median())
        + ", copy floor "
        + cell(copy)
        + ": "
        + significant(lazy.median() / copy.median())
        + " of the floor.\n";
  }

  /** Returns the table of warm open and memory figures per corpus size: they must stay flat. */
  private static String sizeTable(List<Run> runs, long[] sizes) {
    StringBuilder md =
        new StringBuilder(
            "\nThe same figures on corpora of different sizes"
                + " (warm runs; lazy figures must not grow with the size):\n\n| figure |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String system : SYSTEMS) {
      for (long rows : sizes) {
        md.append(' ')
            .append(name(system))
            .append(", ")
            .append(String.format(Locale.ROOT, "%,d", rows))
            .append(" rows |");
        rule.append("---|");
      }
    }
    md.append('\n').append(rule).append('\n');
    for (Figure f : figures("cold")) {
      if (!f.cache().equals("warm") || f.better() == Better.HIGHER) {
        continue;
      }
      md.append("| ").append(f.label()).append(" |");
      for (String system : SYSTEMS) {
        for (long rows : sizes) {
          md.append(' ').append(cell(stat(runs, system, rows, f))).append(" |");
        }
      }
      md.append('\n');
    }
    return md.toString();
  }

  /** Returns the name of {@code system} in tables and charts. */
  static String name(String system) {
    return switch (system) {
      case LAZY -> "LazyArrow lazy";
      case EAGER -> "LazyArrow eager";
      default -> "datasets";
    };
  }

  private static long rounds(List<Run> runs, long corpusRows) {
    return runs.stream()
        .filter(
            r ->
                r.corpusRows() == corpusRows && r.system().equals(LAZY) && r.cache().equals("warm"))
        .count();
  }

  static String cell(Stat s) {
    if (s == null) {
      return "-";
    }
    return s.n() == 1
        ? number(s.median())
        : number(s.median()) + " (" + number(s.min()) + "-" + number(s.max()) + ")";
  }

  /** Formats with three significant digits, thousands as k and millions as M. */
  static String number(double v) {
    if (Math.abs(v) >= 1e6) {
      return significant(v / 1e6) + "M";
    } else if (Math.abs(v) >= 1e4) {
      return significant(v / 1e3) + "k";
    }
    return significant(v);
  }

  private static String significant(double v) {
    if (v == 0) {
      return "0";
    }
    int digits = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }

  static String times(double ratio) {
    return Double.isNaN(ratio) ? "" : significant(ratio) + "x";
  }
}
