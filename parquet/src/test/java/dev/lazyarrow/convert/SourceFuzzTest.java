package dev.lazyarrow.convert;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes conversion from each source format: any file must convert or give a {@link
 * LazyArrowException}, never another exception, an error, a hang or leaked memory.
 *
 * <p>{@code mvn test} replays the inputs under {@code SourceFuzzTestInputs/<method>/}: small
 * fixtures and every reproduction of issue 9 in sources. {@code JAZZER_FUZZ=1} fuzzes one method at
 * a time ({@code -Dtest=SourceFuzzTest#arrow}).
 */
class SourceFuzzTest {
  private static final Path DIR = tempDir();

  @FuzzTest(maxDuration = "60s")
  void arrow(byte[] data) throws IOException {
    convert(data, "source.arrow");
  }

  @FuzzTest(maxDuration = "60s")
  void parquet(byte[] data) throws IOException {
    convert(data, "source.parquet");
  }

  @FuzzTest(maxDuration = "60s")
  void jsonLines(byte[] data) throws IOException {
    convert(data, "source.jsonl");
  }

  private static void convert(byte[] data, String name) throws IOException {
    Path source = Files.write(DIR.resolve(name), data);
    Path out = DIR.resolve("out");
    try {
      Converter.newBuilder().overwrite(true).batchBytes(1 << 16).build().convert(source, out);
    } catch (LazyArrowException expected) {
      // Bad input is reported; only another exception, a crash or a hang is a finding.
    } finally {
      Staging.delete(out);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("lazyarrow-source-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
