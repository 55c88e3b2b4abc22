package dev.lazyarrow.internal.ipc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Indexer;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fuzz target for the stream index sidecar: the {@code cache} fixture (a {@code load_dataset}
 * cache: two streams, three batches) indexed once, its streams' modification times fixed so that
 * the saved inputs match, then any bytes given as its {@code lazyarrow.index} must serve the
 * streams' rows or fail with one {@link LazyArrowException}.
 *
 * <p>Plain {@code mvn test} replays the inputs under {@code StreamIndexFuzzTestInputs/sidecar/}:
 * the sidecar as written and the reproductions of issue 9 (records swapped, an offset nudged, a
 * batch of no rows). {@code .ci/fuzz} fuzzes it.
 */
class StreamIndexFuzzTest {
  /** The modification time given to the streams before indexing, as the saved inputs record. */
  static final FileTime INDEXED = FileTime.fromMillis(1_700_000_000_000L);

  @TempDir static Path tmp;
  private static Path source;

  @BeforeAll
  static void index() throws IOException {
    source = indexedCopy(tmp.resolve("src"));
  }

  /** Copies the fixture to {@code dir} and indexes it. */
  static Path indexedCopy(Path dir) throws IOException {
    Fixtures.copyTree(Fixtures.path("hf/cache"), dir);
    try (var files = Files.walk(dir)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".arrow")).toList()) {
        Files.setLastModifiedTime(file, INDEXED);
      }
    }
    Indexer.index(dir);
    return dir;
  }

  @FuzzTest(maxDuration = "60s")
  void sidecar(byte[] data) throws IOException {
    Files.write(source.resolve(Manifest.INDEX_FILE_NAME), data);
    try (LazyDataset ds = LazyDataset.open(source)) {
      for (Split split : ds.splits()) {
        for (Row row : split) {
          row.toMap();
        }
      }
      ds.verify();
    } catch (LazyArrowException expected) {
      // A clear refusal naming the file is the right answer to damage.
    }
  }
}
