package dev.lazyarrow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fixtures under core/src/test/fixtures, written by the datasets library itself; the build
 * passes their folder to every module's tests as the system property {@code lazyarrow.fixtures}.
 */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT =
      Path.of(System.getProperty("lazyarrow.fixtures", "src/test/fixtures")).toAbsolutePath();

  private Fixtures() {}

  /** Returns the fixture at {@code relative}, e.g. {@code hf/save_dict}. */
  public static Path path(String relative) {
    Path path = ROOT.resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("no fixture " + relative + " under " + ROOT);
    }
    return path;
  }

  /** Converts the hf fixture {@code name} into {@code out} with default options. */
  public static Path convert(String name, Path out) {
    try {
      Converter.newBuilder().build().convert(path("hf/" + name), out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the lines of a golden file: the header first, then one line per sampled row. */
  public static List<String> golden(String name) {
    try {
      return Files.readAllLines(path("golden/" + name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses one JSON line. */
  public static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the directory tree {@code from} to {@code to}. */
  public static Path copyTree(Path from, Path to) {
    try (var paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes {@code dir} a dataset whose train split is the pyarrow fixture {@code name} (an Arrow IPC
   * file) as its only shard, with the row count of its golden file.
   */
  public static Path pyarrowShard(String name, Path dir) {
    try {
      Path shard = dir.resolve("train/part-00000.arrow");
      Files.createDirectories(shard.getParent());
      Files.copy(path("pyarrow/" + name + ".arrow"), shard);
      long rows = json(golden("pyarrow." + name + ".jsonl").get(0)).get("num_rows").asLong();
      new Manifest(
              "pyarrow",
              new Manifest.Source("arrow_file", name, ""),
              List.of(
                  new Manifest.SplitEntry(
                      "train",
                      rows,
                      null,
                      List.of(
                          new Manifest.Shard("train/part-00000.arrow", rows, Files.size(shard))))))
          .write(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
