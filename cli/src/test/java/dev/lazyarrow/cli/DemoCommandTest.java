package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.cli.GoldenRowsTest.Run;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void demo_bundledSample_printsARowComparesAndResumesExactly() {
    Path converted = tmp.resolve("d");
    Run demo = demo(converted, 2);
    assertEquals(0, demo.status(), demo.err());
    assertTrue(demo.out().contains("converted samples/data/emotion"), demo.out());

    Run dump = run("dump", converted.toString(), "--split", "train", "--rows", "0");
    String row = dump.out().strip();
    row = row.substring(row.indexOf("\"row\": ") + 7, row.length() - 1);
    assertTrue(
        demo.out().contains("train row 0, as datasets returns it:\n  " + row + "\n"), demo.out());

    Matcher corpus =
        Pattern.compile("train split (\\d+) times \\((\\d+) rows, (\\d+) MB\\), made in")
            .matcher(demo.out());
    assertTrue(corpus.find(), demo.out());
    assertEquals(Long.parseLong(corpus.group(1)) * 6000, Long.parseLong(corpus.group(2)));
    Matcher ratio =
        Pattern.compile("lazy [0-9.]+ ms; eager, .* ms \\((\\d+)x longer\\)").matcher(demo.out());
    assertTrue(ratio.find(), demo.out());

    assertTrue(demo.out().contains("epoch 1: "), demo.out());
    Matcher summary =
        Pattern.compile("precision@2 (\\d\\.\\d+) -> (\\d\\.\\d+)").matcher(demo.out());
    assertTrue(summary.find(), demo.out());
    assertTrue(
        Double.parseDouble(summary.group(2)) > Double.parseDouble(summary.group(1)) + 0.2,
        demo.out());
    // The sample prints the same line for the same checkpoint: epoch 1, half-way through.
    assertTrue(
        demo.out().contains("checkpoint at epoch 1 step 71; resumed model identical: true"),
        demo.out());

    Run again = demo(converted, 1);
    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().contains("made by an earlier run"), again.out());
  }

  /** Runs the demo on the sample with a 4 MB corpus, kept in this test's folder. */
  private Run demo(Path out, int epochs) {
    return run(
        "demo",
        "--data",
        "samples/data/emotion",
        "--out",
        out.toString(),
        "--corpus",
        tmp.resolve("corpus").toString(),
        "--corpus-mb",
        "4",
        "--epochs",
        Integer.toString(epochs));
  }

  @Test
  void demo_missingSample_isUsageError() {
    Run demo = run("demo", "--data", tmp.resolve("none").toString());
    assertEquals(2, demo.status());
    assertTrue(demo.err().contains("run from the LazyArrow checkout or pass --data"), demo.err());
  }
}
