package dev.lazyarrow.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceLayout;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Names;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Parquet layouts of a dataset repository on the HuggingFace Hub.
 *
 * <pre>
 * README.md                           optional; its YAML front matter may list configs:
 *                                     configs: [{config_name: default,
 *                                                data_files: [{split: train, path: data/train-*}]}]
 * data/train-00000-of-00002.parquet   &lt;split&gt;-NNNNN-of-NNNNN.parquet, splits from the names
 * data/test-00000-of-00001.parquet
 * </pre>
 *
 * <p>or the layout of the Hub's converted Parquet branch, {@code <config>/<split>/NNNN.parquet}. A
 * config is chosen by name; without one, {@code default} or the only config is taken.
 */
public final class HubParquetLayout implements SourceLayout {
  static final String LAYOUT = "hub_parquet";

  private static final Pattern DATA_FILE =
      Pattern.compile("([A-Za-z0-9_.]+?)-\\d{5}-of-\\d{5}\\.parquet");
  private static final Pattern BRANCH_FILE = Pattern.compile("\\d{4}\\.parquet");
  private static final List<String> USUAL_ORDER = List.of("train", "validation", "test");
  private static final String README = "README.md";

  /** The longest README.md read for its front matter. */
  private static final long MAX_README_BYTES = 16L << 20;

  /** Made by {@link java.util.ServiceLoader}, for the core's layout search. */
  public HubParquetLayout() {}

  @Override
  public String name() {
    return LAYOUT;
  }

  @Override
  public boolean matches(Path dir) {
    return holds(dir);
  }

  @Override
  public List<SourceSplit> splits(Path dir, String config) {
    return splitsOf(dir, config);
  }

  /** Returns whether {@code dir} holds one of these layouts. */
  static boolean holds(Path dir) {
    return !dataFiles(dir).isEmpty()
        || !branchConfigs(dir).isEmpty()
        || Files.isDirectory(dir) && !frontMatterConfigs(dir).isEmpty();
  }

  /**
   * Lists the splits of config {@code config} (null: the default or only one).
   *
   * @throws IllegalArgumentException if the config is not there, or none was given and several are
   */
  static List<SourceSplit> splitsOf(Path dir, String config) {
    Map<String, JsonNode> configs = frontMatterConfigs(dir);
    if (!configs.isEmpty()) {
      JsonNode chosen = configs.get(choose(dir, configs.keySet(), config));
      return fromFrontMatter(dir, chosen);
    }
    Map<String, Path> branch = branchConfigs(dir);
    if (!branch.isEmpty()) {
      Path folder = branch.get(choose(dir, branch.keySet(), config));
      Map<String, List<Path>> bySplit = new TreeMap<>();
      for (Path splitDir : list(folder)) {
        List<Path> files =
            list(splitDir).stream()
                .filter(p -> BRANCH_FILE.matcher(p.getFileName().toString()).matches())
                .toList();
        if (!files.isEmpty()) {
          bySplit.put(
              Names.requirePlain(splitDir, "split name", splitDir.getFileName().toString()), files);
        }
      }
      return toSplits(bySplit, folder);
    }
    if (config != null && !config.equals("default")) {
      throw new IllegalArgumentException(
          "no config '" + config + "' in " + dir + "; its only config is default");
    }
    Map<String, List<Path>> bySplit = new TreeMap<>();
    for (Path file : dataFiles(dir)) {
      Matcher m = DATA_FILE.matcher(file.getFileName().toString());
      if (m.matches()) {
        String split = Names.requirePlain(file, "split name", m.group(1));
        bySplit.computeIfAbsent(split, k -> new ArrayList<>()).add(file);
      }
    }
    return toSplits(bySplit, dir.resolve("data"));
  }

  private static String choose(Path dir, java.util.Set<String> names, String config) {
    if (config != null) {
      if (!names.contains(config)) {
        throw new IllegalArgumentException(
            "no config '" + config + "' in " + dir + "; configs are " + names);
      }
      return config;
    }
    if (names.contains("default")) {
      return "default";
    }
    if (names.size() == 1) {
      return names.iterator().next();
    }
    throw new IllegalArgumentException(
        dir + " has several configs " + names + "; choose one with --config");
  }

  private static List<SourceSplit> fromFrontMatter(Path dir, JsonNode config) {
    Map<String, List<Path>> bySplit = new LinkedHashMap<>();
    JsonNode dataFiles = config.path("data_files");
    List<JsonNode> entries = new ArrayList<>();
    if (dataFiles.isArray()) {
      dataFiles.forEach(entries::add);
    } else if (dataFiles.isTextual()) {
      entries.add(
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
              .objectNode()
              .put("split", "train")
              .put("path", dataFiles.asText()));
    }
    Path readme = dir.resolve(README);
    for (JsonNode entry : entries) {
      String split = Names.requirePlain(readme, "split name", entry.path("split").asText("train"));
      List<String> globs = new ArrayList<>();
      if (entry.path("path").isArray()) {
        entry.path("path").forEach(p -> globs.add(p.asText()));
      } else {
        globs.add(entry.path("path").asText());
      }
      List<Path> files = new ArrayList<>();
      for (String glob : globs) {
        files.addAll(glob(dir, glob));
      }
      if (files.isEmpty()) {
        throw new LazyArrowException(
            readme,
            "split '"
                + split
                + "' of config '"
                + config.path("config_name").asText()
                + "' names "
                + globs
                + ", which match no file");
      }
      bySplit.computeIfAbsent(split, k -> new ArrayList<>()).addAll(files);
    }
    List<SourceSplit> splits = new ArrayList<>();
    bySplit.forEach((name, files) -> splits.add(split(name, files, readme)));
    return splits;
  }

  private static List<Path> glob(Path dir, String glob) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> !Files.isDirectory(p))
          .filter(p -> matcher.matches(dir.relativize(p)))
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot walk " + dir, e);
    }
  }

  private static List<SourceSplit> toSplits(Map<String, List<Path>> bySplit, Path describedBy) {
    List<String> names = new ArrayList<>(bySplit.keySet());
    names.sort((a, b) -> Integer.compare(rank(a), rank(b)));
    return names.stream().map(n -> split(n, bySplit.get(n), describedBy)).toList();
  }

  private static int rank(String split) {
    int i = USUAL_ORDER.indexOf(split);
    return i < 0 ? USUAL_ORDER.size() : i;
  }

  private static SourceSplit split(String name, List<Path> files, Path describedBy) {
    List<Path> sorted = new ArrayList<>(files);
    sorted.sort(null);
    return new SourceSplit(name, ParquetFormat.INSTANCE, sorted, null, "", describedBy);
  }

  /** Returns the configs that README.md's front matter lists, by name; none without it. */
  private static Map<String, JsonNode> frontMatterConfigs(Path dir) {
    Path readme = dir.resolve(README);
    Map<String, JsonNode> configs = new LinkedHashMap<>();
    if (!Files.exists(readme)) {
      return configs;
    }
    try {
      String text = new String(SafeFiles.readAll(readme, MAX_README_BYTES), StandardCharsets.UTF_8);
      if (!text.startsWith("---")) {
        return configs;
      }
      int end = text.indexOf("\n---", 3);
      if (end < 0) {
        throw new LazyArrowException(readme, "front matter opened with --- is never closed");
      }
      JsonNode yaml = new YAMLMapper().readTree(text.substring(3, end));
      if (yaml != null) {
        for (JsonNode c : yaml.path("configs")) {
          String name = c.path("config_name").asText("default");
          configs.put(Names.requirePlain(readme, "config name", name), c);
        }
      }
      return configs;
    } catch (IOException e) {
      throw new LazyArrowException(readme, "front matter is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static List<Path> dataFiles(Path dir) {
    Path data = dir.resolve("data");
    return list(data).stream()
        .filter(p -> DATA_FILE.matcher(p.getFileName().toString()).matches())
        .toList();
  }

  private static Map<String, Path> branchConfigs(Path dir) {
    Map<String, Path> configs = new TreeMap<>();
    for (Path config : list(dir)) {
      boolean hasSplit =
          list(config).stream()
              .anyMatch(
                  split ->
                      list(split).stream()
                          .anyMatch(
                              p -> BRANCH_FILE.matcher(p.getFileName().toString()).matches()));
      if (hasSplit) {
        String name = config.getFileName().toString();
        configs.put(Names.requirePlain(config, "config name", name), config);
      }
    }
    return configs;
  }

  /** Lists a folder's entries by name; none if it is not a folder. */
  private static List<Path> list(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
