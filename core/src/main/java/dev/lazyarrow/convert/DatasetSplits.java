package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.format.SafeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A LazyArrow dataset directory, converted or indexed in place, read as a conversion source: its
 * splits and their shards, as its manifest lists them.
 */
final class DatasetSplits {
  /** What the manifest of a dataset made from another records as the source's layout. */
  static final String LAYOUT = "lazyarrow";

  private DatasetSplits() {}

  /**
   * Returns the splits of the dataset directory {@code dataset}.
   *
   * @throws LazyArrowException if its manifest is bad, or a shard is missing, not a regular file
   *     or not of the size the manifest gives
   */
  static List<SourceSplit> of(Path dataset) {
    Manifest manifest = Manifest.read(dataset);
    Path dir = SafeFiles.realDirectory(dataset);
    Path manifestFile = dir.resolve(Manifest.FILE_NAME);
    List<SourceSplit> splits = new ArrayList<>();
    for (Manifest.SplitEntry split : manifest.splits()) {
      List<Path> files = new ArrayList<>();
      for (Manifest.Shard shard : split.shards()) {
        Path file = Manifest.resolveInside(dir, shard.path(), manifestFile);
        SafeFiles.requireRegular(file);
        long size;
        try {
          size = Files.size(file);
        } catch (IOException e) {
          throw new LazyArrowException(file, "cannot read the shard: " + e.getMessage(), e);
        }
        if (size != shard.bytes()) {
          throw new LazyArrowException(
              file, "shard is " + size + " bytes but the manifest says " + shard.bytes());
        }
        files.add(file);
      }
      splits.add(
          new SourceSplit(
              split.name(),
              CoreFormat.ARROW,
              files,
              split.features(),
              manifest.source().fingerprint(),
              manifestFile,
              split.formatColumns()));
    }
    return splits;
  }
}
