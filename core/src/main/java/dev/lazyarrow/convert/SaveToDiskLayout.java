package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.HfFeatures;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Names;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout that {@code Dataset.save_to_disk} and {@code DatasetDict.save_to_disk} write.
 *
 * <pre>
 * DatasetDict:  dataset_dict.json            {"splits": ["train", "test"]}
 *               train/state.json             one Dataset folder per split, as below
 * Dataset:      state.json                   "_data_files": [{"filename": "data-00000-of-00001.arrow"}],
 *                                            "_fingerprint", "_split" (null or the split's name),
 *                                            "_format_columns" (null or the columns a row shows
 *                                            unless "_output_all_columns" is true)
 *               dataset_info.json            "features": the HuggingFace features
 *               data-00000-of-00001.arrow    Arrow IPC stream files, in row order
 * </pre>
 *
 * <p>A Dataset saved with zero rows lists no data files: its schema exists only as features.
 */
final class SaveToDiskLayout {
  static final String LAYOUT = "save_to_disk";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The longest JSON file of a source read: its metadata, never its rows. */
  private static final long MAX_JSON_BYTES = 64L << 20;

  private SaveToDiskLayout() {}

  /** Returns whether {@code dir} holds this layout. */
  static boolean matches(Path dir) {
    return Files.exists(dir.resolve("dataset_dict.json"))
        || Files.exists(dir.resolve("state.json"));
  }

  /** Lists the splits of the save_to_disk folder {@code dir}, in the order it names them. */
  static List<SourceSplit> splits(Path dir) {
    Path dict = dir.resolve("dataset_dict.json");
    List<SourceSplit> splits = new ArrayList<>();
    if (Files.exists(dict)) {
      JsonNode names = readJson(dict).path("splits");
      if (!names.isArray() || names.isEmpty()) {
        throw new LazyArrowException(dict, "field 'splits' must be a non-empty array of names");
      }
      for (JsonNode node : names) {
        String name = Names.requirePlain(dict, "split name", text(dict, node));
        splits.add(dataset(dir.resolve(name), name, dict));
      }
    } else {
      splits.add(dataset(dir, null, dir.resolve("state.json")));
    }
    return splits;
  }

  /** Reads one Dataset folder; {@code name} is null for a lone Dataset, named by its state. */
  private static SourceSplit dataset(Path folder, String name, Path namedBy) {
    Path statePath = folder.resolve("state.json");
    if (!Files.exists(statePath)) {
      throw new LazyArrowException(namedBy, "split folder " + folder + " has no state.json");
    }
    JsonNode state = readJson(statePath);
    JsonNode dataFiles = state.path("_data_files");
    if (!dataFiles.isArray()) {
      throw new LazyArrowException(statePath, "field '_data_files' must be an array");
    }
    List<Path> files = new ArrayList<>();
    for (JsonNode f : dataFiles) {
      String filename =
          Names.requirePlain(statePath, "data file name", text(statePath, f.get("filename")));
      Path file = folder.resolve(filename);
      if (!Files.exists(file)) {
        throw new LazyArrowException(statePath, "names data file " + file + ", which is missing");
      }
      files.add(file);
    }
    JsonNode split = state.path("_split");
    String splitName =
        name != null
            ? name
            : split.isNull() || split.isMissingNode() || split.asText().isEmpty()
                ? "train"
                : Names.requirePlain(statePath, "_split", text(statePath, split));
    Path infoPath = folder.resolve("dataset_info.json");
    JsonNode features =
        Files.exists(infoPath) ? HfFeatures.check(infoPath, readJson(infoPath).get("features")) : null;
    return new SourceSplit(
        splitName,
        CoreFormat.ARROW,
        files,
        features,
        state.path("_fingerprint").asText(""),
        statePath,
        formatColumns(state, statePath));
  }

  /**
   * Returns the columns that {@code datasets} shows for a row of a Dataset saved after {@code
   * with_format(columns=[...])}: {@code _format_columns}, unless {@code _output_all_columns} asks
   * for every column (or no columns were chosen: null).
   */
  private static List<String> formatColumns(JsonNode state, Path statePath) {
    JsonNode columns = state.path("_format_columns");
    if (columns.isMissingNode()
        || columns.isNull()
        || state.path("_output_all_columns").asBoolean(false)) {
      return null;
    }
    if (!columns.isArray()) {
      throw new LazyArrowException(statePath, "field '_format_columns' must be null or an array");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode c : columns) {
      if (!c.isTextual()) {
        throw new LazyArrowException(statePath, "field '_format_columns' holds " + c);
      }
      names.add(c.asText());
    }
    return names;
  }

  /**
   * Reads the JSON metadata file {@code file}: a regular file of at most 64 MiB holding one JSON
   * value and nothing after it.
   */
  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(SafeFiles.readAll(file, MAX_JSON_BYTES));
    } catch (IOException e) {
      throw new LazyArrowException(file, "not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String text(Path file, JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw new LazyArrowException(file, "expected a JSON string as a name, found " + node);
    }
    return node.textValue();
  }
}
