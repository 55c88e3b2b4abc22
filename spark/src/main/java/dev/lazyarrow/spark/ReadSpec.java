package dev.lazyarrow.spark;

import dev.lazyarrow.internal.format.Manifest;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * What one read asks for: {@code path}, the dataset directory, and {@code split}, needed only when
 * the dataset has several.
 */
record ReadSpec(String path, String split) implements Serializable {

  /**
   * Reads the options of a read.
   *
   * @throws IllegalArgumentException if there is no path
   */
  static ReadSpec of(CaseInsensitiveStringMap options) {
    String path = options.get("path");
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("no path: call load(path)");
    }
    return new ReadSpec(path, options.get("split"));
  }

  /** Returns the dataset directory. */
  Path dir() {
    return Paths.local(path);
  }

  /**
   * Returns the manifest entry of the split to read.
   *
   * @throws IllegalArgumentException if the split is not in the dataset, or none was chosen and the
   *     dataset has several
   */
  Manifest.SplitEntry entry(Manifest manifest) {
    List<String> names = manifest.splits().stream().map(Manifest.SplitEntry::name).toList();
    if (split == null && names.size() > 1) {
      throw new IllegalArgumentException(
          path + " has splits " + names + ": choose one with option(\"split\", NAME)");
    }
    String name = split == null ? names.get(0) : split;
    return manifest.splits().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no split '" + name + "' in " + path + "; splits are " + names));
  }
}
