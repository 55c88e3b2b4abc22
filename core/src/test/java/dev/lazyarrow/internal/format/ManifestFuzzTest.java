package dev.lazyarrow.internal.format;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the manifest reader: any bytes must give a manifest or a {@link LazyArrowException}.
 *
 * <p>{@code mvn test} replays the inputs under {@code ManifestFuzzTestInputs/manifest/}: seeds from
 * converted datasets and every reproduction of issue 9. {@code JAZZER_FUZZ=1} fuzzes.
 */
class ManifestFuzzTest {
  private static final Path DIR = tempDir();

  @FuzzTest(maxDuration = "60s")
  void manifest(byte[] data) throws IOException {
    Files.write(DIR.resolve(Manifest.FILE_NAME), data);
    try {
      Manifest.read(DIR);
    } catch (LazyArrowException expected) {
      // Bad input is reported; only another exception, a crash or a hang is a finding.
    }
  }

  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("lazyarrow-manifest-fuzz");
      dir.toFile().deleteOnExit();
      dir.resolve(Manifest.FILE_NAME).toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
