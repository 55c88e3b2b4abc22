package dev.lazyarrow.internal.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.internal.format.Names;
import java.nio.file.Path;
import java.util.List;

/**
 * One split as a source holds it: files of one format in row order, and its HuggingFace features.
 *
 * @param name the split's name
 * @param format the format of every file
 * @param files the files, in row order; empty for a split saved with zero rows
 * @param features the features JSON, or null if the source lists none (then the first file's schema
 *     metadata may carry them)
 * @param fingerprint the source's fingerprint of the split, or ""
 * @param describedBy the file or folder that lists the split, named in errors
 * @param formatColumns the columns the source's saved format shows ({@code _format_columns} of a
 *     save_to_disk state.json), or null for every column
 */
public record SourceSplit(
    String name,
    SourceFormat format,
    List<Path> files,
    JsonNode features,
    String fingerprint,
    Path describedBy,
    List<String> formatColumns) {
  public SourceSplit {
    Names.requirePlain(describedBy, "split name", name);
    files = List.copyOf(files);
    formatColumns = formatColumns == null ? null : List.copyOf(formatColumns);
  }

  /** Creates a split whose source shows every column. */
  public SourceSplit(
      String name,
      SourceFormat format,
      List<Path> files,
      JsonNode features,
      String fingerprint,
      Path describedBy) {
    this(name, format, files, features, fingerprint, describedBy, null);
  }
}
