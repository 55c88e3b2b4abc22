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
  void demo_bundledSample_trainsAndResumesExactly() {
    Run demo =
        run(
            "demo",
            "--data",
            "samples/data/emotion",
            "--out",
            tmp.resolve("d").toString(),
            "--epochs",
            "2");
    assertEquals(0, demo.status(), demo.err());
    assertTrue(demo.out().contains("converted samples/data/emotion"), demo.out());
    assertTrue(demo.out().contains("epoch 1: "), demo.out());
    Matcher summary =
        Pattern.compile("precision@2 (\\d\\.\\d+) -> (\\d\\.\\d+)").matcher(demo.out());
    assertTrue(summary.find(), demo.out());
    assertTrue(
        Double.parseDouble(summary.group(2)) > Double.parseDouble(summary.group(1)) + 0.2,
        demo.out());
    assertTrue(demo.out().contains("same model as the uninterrupted run: true"), demo.out());
  }

  @Test
  void demo_missingSample_isUsageError() {
    Run demo = run("demo", "--data", tmp.resolve("none").toString());
    assertEquals(2, demo.status());
    assertTrue(demo.err().contains("run from the LazyArrow checkout or pass --data"), demo.err());
  }
}
