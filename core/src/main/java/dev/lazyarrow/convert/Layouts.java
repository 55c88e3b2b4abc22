package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceFormat;
import dev.lazyarrow.internal.convert.SourceLayout;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the layout of a source on disk and lists its splits; the layouts are tried in the order of
 * {@link #LOOKED_FOR}.
 */
final class Layouts {
  /** What an unknown source is told was looked for. */
  static final String LOOKED_FOR =
      "a save_to_disk folder (dataset_dict.json or state.json); a load_dataset cache"
          + " (<builder>-<split>[-NNNNN-of-NNNNN].arrow beside dataset_info.json, at any depth);"
          + " Hub Parquet (data/<split>-NNNNN-of-NNNNN.parquet, README.md configs, or"
          + " <config>/<split>/NNNN.parquet); or one .arrow/.feather/.ipc, .parquet or .jsonl/.json"
          + " file";

  /** A source's layout and splits. */
  record Found(String layout, List<SourceSplit> splits) {}

  private Layouts() {}

  /**
   * Finds the layout of {@code source} and its splits, choosing config {@code config} (or null)
   * where the layout has configs. Every data file is checked to be a regular file inside the source
   * (see {@link #roots}) and listed by its real path.
   *
   * @throws LazyArrowException if the source is missing or of no known layout, or a data file is
   *     not a regular file or lies outside the source
   * @throws IllegalArgumentException if the config cannot be chosen, or several caches are found
   */
  static Found find(Path source, String config) {
    if (!Files.exists(source)) {
      throw new LazyArrowException(source, "source does not exist");
    }
    Found found = findUnchecked(source, config);
    List<Path> roots = roots(source);
    List<SourceSplit> splits = new ArrayList<>();
    for (SourceSplit split : found.splits()) {
      List<Path> files = new ArrayList<>();
      for (Path file : split.files()) {
        Path real = SafeFiles.requireInside(file, roots, split.describedBy());
        SafeFiles.requireRegular(real);
        files.add(real);
      }
      splits.add(
          new SourceSplit(
              split.name(),
              split.format(),
              files,
              split.features(),
              split.fingerprint(),
              split.describedBy(),
              split.formatColumns()));
    }
    return new Found(found.layout(), splits);
  }

  /**
   * Returns the real folders a source's data files may lie in: the source's own folder (the folder
   * holding the file it resolves to, for one file), and for a snapshot of the Hub's download cache
   * ({@code datasets--<name>/snapshots/<revision>}, whose files are links into {@code
   * ../../blobs}), that {@code blobs} folder too.
   */
  static List<Path> roots(Path source) {
    if (!Files.isDirectory(source)) {
      try {
        return List.of(source.toRealPath().getParent()); // the file named is taken, link or not
      } catch (IOException e) {
        throw new LazyArrowException(source, "cannot resolve: " + e.getMessage(), e);
      }
    }
    Path real = SafeFiles.realDirectory(source);
    Path snapshots = real.getParent();
    if (snapshots != null
        && snapshots.getFileName() != null
        && snapshots.getFileName().toString().equals("snapshots")
        && Files.isDirectory(snapshots.resolveSibling("blobs"))) {
      return List.of(real, SafeFiles.realDirectory(snapshots.resolveSibling("blobs")));
    }
    return List.of(real);
  }

  private static Found findUnchecked(Path source, String config) {
    if (!Files.isDirectory(source)) {
      SourceFormat format = Modules.format(source);
      if (format == null) {
        throw new LazyArrowException(source, "unknown layout: looked for " + LOOKED_FOR);
      }
      return new Found(
          format.layout(),
          List.of(new SourceSplit("train", format, List.of(source), null, "", source)));
    }
    if (SaveToDiskLayout.matches(source)) {
      return new Found(SaveToDiskLayout.LAYOUT, SaveToDiskLayout.splits(source));
    }
    for (SourceLayout layout : Modules.layouts()) {
      if (layout.matches(source)) {
        return new Found(layout.name(), layout.splits(source, config));
      }
    }
    List<Path> caches = CacheLayout.folders(source);
    if (caches.size() > 1) {
      throw new IllegalArgumentException(
          source + " holds several load_dataset caches " + caches + "; pass one of them");
    }
    if (caches.size() == 1) {
      return new Found(CacheLayout.LAYOUT, CacheLayout.splits(caches.get(0)));
    }
    if (Modules.layouts().isEmpty() && holdsParquet(source)) {
      throw Modules.missing(source, "Converting a folder of Parquet files");
    }
    throw new LazyArrowException(source, "unknown layout: looked for " + LOOKED_FOR);
  }

  /** Returns whether a Parquet file lies within three folders of {@code dir}. */
  private static boolean holdsParquet(Path dir) {
    try (var files = Files.find(dir, 3, (p, a) -> p.toString().endsWith(".parquet"))) {
      return files.findAny().isPresent();
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }
}
