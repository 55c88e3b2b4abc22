package dev.lazyarrow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.read.ShardFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzz targets for the shard read path: any bytes given as a shard must end in rows or in one
 * {@link LazyArrowException}, never another exception, a crash, a hang or leaked memory.
 *
 * <p>Plain {@code mvn test} replays the inputs under {@code ShardFuzzTestInputs/<method>/}: shards
 * converted from the fixtures and every reproduction of issue 9 on converted shards. {@code
 * .ci/fuzz} fuzzes them.
 */
class ShardFuzzTest {
  @TempDir Path tmp;

  /** The footer parser: schema, blocks, batch rows and checksums of any bytes as an IPC file. */
  @FuzzTest(maxDuration = "60s")
  void footer(byte[] data) throws IOException {
    Path file = tmp.resolve("part.arrow");
    Files.write(file, data);
    try (BufferAllocator allocator = new RootAllocator();
        ShardFile shard = new ShardFile(file, data.length, -1, allocator)) {
      shard.schema();
      shard.batchStarts();
      shard.hasChecksums();
    } catch (LazyArrowException expected) {
      // A clear refusal naming the file is the right answer to damage.
    }
  }

  /** Loading every record batch and reading every row's values, then verifying the shard. */
  @FuzzTest(maxDuration = "60s")
  void rows(byte[] data) throws IOException {
    Path dir = tmp.resolve("ds");
    Files.createDirectories(dir.resolve("train"));
    Path file = dir.resolve("train/part-00000.arrow");
    Files.write(file, data);
    long rows;
    try (BufferAllocator allocator = new RootAllocator();
        ShardFile shard = new ShardFile(file, data.length, -1, allocator)) {
      rows = shard.rows();
    } catch (LazyArrowException expected) {
      return;
    }
    new Manifest(
            "fuzz",
            new Manifest.Source("fuzz", "fuzz", ""),
            List.of(
                new Manifest.SplitEntry(
                    "train",
                    rows,
                    null,
                    List.of(new Manifest.Shard("train/part-00000.arrow", rows, data.length)))))
        .write(dir);
    try (LazyDataset ds = LazyDataset.open(dir)) {
      for (Row row : ds.split("train")) {
        row.toMap();
      }
      ds.verify();
    } catch (LazyArrowException expected) {
      // As above.
    }
  }
}
