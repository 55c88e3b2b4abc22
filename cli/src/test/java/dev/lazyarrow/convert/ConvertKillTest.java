package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a conversion running in a child JVM with SIGKILL once it has written shard bytes. */
class ConvertKillTest {
  @TempDir Path tmp;

  @Test
  void convert_killedMidway_leavesNoOutput() throws Exception {
    Path out = tmp.resolve("out");
    killMidway(bigSource(), out);
    assertFalse(Files.exists(out));
    assertThrows(LazyArrowException.class, () -> LazyDataset.open(out));
  }

  @Test
  void convert_killedMidwayWithOverwrite_leavesOldOutputUntouched() throws Exception {
    Path out = Fixtures.convert("save_dict", tmp.resolve("out"));
    byte[] manifest = Files.readAllBytes(out.resolve(Manifest.FILE_NAME));
    killMidway(bigSource(), out, "--overwrite");
    assertArrayEquals(manifest, Files.readAllBytes(out.resolve(Manifest.FILE_NAME)));
    try (LazyDataset ds = LazyDataset.open(out)) {
      ds.verify();
    }
  }

  @Test
  void convertWithTokenizer_killedMidway_leavesNothingReadable() throws Exception {
    Path out = tmp.resolve("out");
    killMidway(
        bigSource(),
        out,
        "--tokenizer",
        Path.of("tokenizers/src/test/resources/tokenizers/bpe/tokenizer.json").toString(),
        "--ids-column",
        "bpe_ids");
    assertFalse(Files.exists(out));
    assertThrows(LazyArrowException.class, () -> LazyDataset.open(out));
  }

  /** A save_to_disk folder listing one data file 400 times: about a million rows. */
  private Path bigSource() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("big"));
    StringBuilder files = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      files.append(i == 0 ? "" : ",").append("{\"filename\": \"data-00000-of-00001.arrow\"}");
    }
    Files.writeString(source.resolve("state.json"), "{\"_data_files\": [" + files + "]}");
    return source;
  }

  private void killMidway(Path source, Path out, String... extra) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lazyarrow.cli.Main",
                "convert",
                source.toString(),
                out.toString(),
                "--batch-bytes",
                "4096",
                "--quiet"));
    command.addAll(List.of(extra));
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.log").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!shardBytesWritten() && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(20);
      }
      assertTrue(
          child.isAlive(),
          "the conversion ended before it could be killed: "
              + Files.readString(tmp.resolve("child.log")));
      assertTrue(shardBytesWritten(), "no shard bytes written within 60 s");
    } finally {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL on Unix
    }
  }

  private boolean shardBytesWritten() throws IOException {
    try (Stream<Path> paths = Files.walk(tmp)) {
      return paths.anyMatch(
          p ->
              p.toString().contains("lazyarrow-tmp")
                  && p.getFileName().toString().startsWith("part-")
                  && sizeOf(p) > 100_000);
    } catch (java.io.UncheckedIOException e) {
      return false; // a file vanished during the walk
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
