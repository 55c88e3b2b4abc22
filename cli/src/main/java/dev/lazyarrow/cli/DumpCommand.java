package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.LazyArrowException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code dump} command. */
@Command(
    name = "dump",
    header = "Print rows as JSON lines, as the datasets library returns them.",
    description = {
      "One line per row: {\"index\": i, \"row\": {...}}, holding the columns that datasets"
          + " shows: those a save_to_disk source chose with with_format(columns=[...]), or all.",
      "Integers and floats as numbers (float32 widened to double), uint64 unsigned, binary as"
          + " \"base64:...\", timestamps and dates as counts of their unit, structs as objects."
    })
final class DumpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin SplitOptions input;

  @Mixin ReadModeOption readMode;

  @ArgGroup(multiplicity = "1")
  Selection selection;

  /** Which rows to print: a list or a range. */
  static final class Selection {
    @Option(
        names = "--rows",
        paramLabel = "<i>",
        split = ",",
        splitSynopsisLabel = ",",
        required = true,
        description = "row indices, comma-separated, in the order to print them")
    long[] rows;

    @Option(
        names = "--range",
        paramLabel = "A:B",
        required = true,
        description = "rows A (inclusive) to B (exclusive); B may exceed the split")
    String range;
  }

  /**
   * The most rows read and held at once: what bounds the memory of a dump, whatever the number of
   * rows it prints.
   */
  static final int CHUNK_ROWS = 1024;

  @Override
  public Integer call() {
    try (LazyDataset ds = input.dataset.open(readMode.builder())) {
      Split s = input.choose(ds);
      long[] rows = selection.rows;
      if (rows != null) {
        for (long i : rows) {
          if (i < 0 || i >= s.size()) {
            throw new IllegalArgumentException(
                "row " + i + " outside 0.." + (s.size() - 1) + " of split " + s.name());
          }
        }
      }
      long[] range = rows != null ? new long[] {0, rows.length} : range(selection.range, s.size());
      List<Field> all = s.schema().getFields();
      int[] shown = shownColumns(ds, s);
      List<String> names = new ArrayList<>();
      List<Field> fields = new ArrayList<>();
      for (int c : shown) {
        names.add(all.get(c).getName());
        fields.add(all.get(c).getDictionary() == null ? all.get(c) : null);
      }
      PrintWriter out = spec.commandLine().getOut();
      StringBuilder line = new StringBuilder();
      Object[] values = new Object[shown.length];
      // Rows are read a chunk at a time and printed before the next is read, so that a range of any
      // length (or a manifest's claim of one) never sizes an array.
      for (long from = range[0]; from < range[1]; from += CHUNK_ROWS) {
        long to = Math.min(range[1], from + CHUNK_ROWS);
        long[] chunk =
            rows != null
                ? Arrays.copyOfRange(rows, (int) from, (int) to)
                : LongStream.range(from, to).toArray();
        for (Row row : s.take(chunk)) {
          line.setLength(0);
          for (int c = 0; c < values.length; c++) {
            values[c] = row.get(shown[c]);
          }
          PythonJson.appendRowLine(line, row.index(), names, fields, values);
          out.println(line);
        }
      }
      out.flush();
    }
    return 0;
  }

  /**
   * Returns the positions of the columns that {@code datasets} shows for a row of {@code split}:
   * the columns its source saved with {@code with_format(columns=[...])}, in the table's order, or
   * all.
   */
  private static int[] shownColumns(LazyDataset dataset, Split split) {
    List<String> chosen = split.formatColumns();
    List<String> names = split.schema().getFields().stream().map(Field::getName).toList();
    if (chosen.isEmpty()) {
      return IntStream.range(0, names.size()).toArray();
    }
    for (String c : chosen) {
      if (!names.contains(c)) {
        throw new LazyArrowException(
            dataset.manifestPath(),
            "format column '" + c + "' of split " + split.name() + " is not one of " + names);
      }
    }
    return IntStream.range(0, names.size()).filter(i -> chosen.contains(names.get(i))).toArray();
  }

  /** Returns the first and the end row of the range {@code text}, {@code A:B}, within the split. */
  private static long[] range(String text, long size) {
    String[] parts = text.split(":", -1);
    try {
      if (parts.length == 2) {
        long from = parts[0].isEmpty() ? 0 : Long.parseLong(parts[0]);
        long to = parts[1].isEmpty() ? size : Math.min(size, Long.parseLong(parts[1]));
        if (from >= 0 && from <= to) {
          return new long[] {from, to};
        }
      }
    } catch (NumberFormatException e) {
      // reported below with the rule
    }
    throw new IllegalArgumentException(
        "--range must be A:B with 0 <= A <= B, found '" + text + "'");
  }
}
