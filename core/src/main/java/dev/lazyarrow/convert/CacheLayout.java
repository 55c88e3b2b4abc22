package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.internal.convert.HfFeatures;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The cache that {@code load_dataset} builds, found at any depth below the folder given.
 *
 * <pre>
 * ~/.cache/huggingface/datasets/json/default-4c8cc5446d095b48/0.0.0/915409a0.../
 *   dataset_info.json                   "builder_name": "json", "features", "splits": {"train": ...}
 *   json-train.arrow                    &lt;builder&gt;-&lt;split&gt;.arrow, an Arrow IPC stream
 *   json-test-00000-of-00002.arrow      or &lt;builder&gt;-&lt;split&gt;-NNNNN-of-NNNNN.arrow when sharded
 * </pre>
 *
 * <p>Splits are in the order {@code dataset_info.json} lists them, then any others by name.
 */
final class CacheLayout {
  static final String LAYOUT = "cache";

  private static final String INFO = "dataset_info.json";

  private CacheLayout() {}

  /**
   * Returns the cache folders at or below {@code source}: folders holding {@code dataset_info.json}
   * beside files named after its builder.
   */
  static List<Path> folders(Path source) {
    if (!Files.isDirectory(source)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(source)) {
      return paths
          .filter(p -> p.getFileName().toString().equals(INFO) && !Files.isDirectory(p))
          .map(Path::getParent)
          .filter(dir -> !files(dir).isEmpty())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + source, e);
    }
  }

  /** Lists the splits of the cache folder {@code dir}. */
  static List<SourceSplit> splits(Path dir) {
    Path info = dir.resolve(INFO);
    JsonNode infoJson = SaveToDiskLayout.readJson(info);
    Map<String, List<Path>> bySplit = new LinkedHashMap<>();
    infoJson
        .path("splits")
        .fieldNames()
        .forEachRemaining(name -> bySplit.put(name, new ArrayList<>()));
    Map<String, List<Path>> found = files(dir);
    found.keySet().stream().sorted().forEach(name -> bySplit.putIfAbsent(name, new ArrayList<>()));
    found.forEach((name, files) -> bySplit.get(name).addAll(files));
    JsonNode features = HfFeatures.check(info, infoJson.get("features"));
    List<SourceSplit> splits = new ArrayList<>();
    bySplit.forEach(
        (name, files) -> {
          if (!files.isEmpty()) {
            files.sort(Comparator.comparing(p -> p.getFileName().toString()));
            splits.add(
                new SourceSplit(
                    name, CoreFormat.ARROW, files, features, dir.getFileName().toString(), info));
          }
        });
    return splits;
  }

  /** Returns the data files of a cache folder by split, or none if it holds none. */
  private static Map<String, List<Path>> files(Path dir) {
    JsonNode builder = SaveToDiskLayout.readJson(dir.resolve(INFO)).get("builder_name");
    if (builder == null || !builder.isTextual()) {
      return Map.of();
    }
    Pattern name =
        Pattern.compile(
            Pattern.quote(builder.asText()) + "-([A-Za-z0-9_.]+?)(-\\d{5}-of-\\d{5})?\\.arrow");
    Map<String, List<Path>> bySplit = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        Matcher m = name.matcher(file.getFileName().toString());
        if (m.matches()) {
          String split = Names.requirePlain(file, "split name", m.group(1));
          bySplit.computeIfAbsent(split, k -> new ArrayList<>()).add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return bySplit;
  }
}
