package dev.lazyarrow.djl;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a dataset builder's rows come from: a split the caller keeps open, or a directory and a
 * split name that building opens.
 */
final class SplitSource {
  private Split split;
  private Path directory;
  private String splitName;

  void setSplit(Split split) {
    requireState(directory == null, "a directory was already set: " + directory);
    this.split = Objects.requireNonNull(split, "split");
  }

  void setDirectory(Path dir, String split) {
    requireState(this.split == null, "a split was already set: " + this.split);
    this.directory = Objects.requireNonNull(dir, "dir");
    this.splitName = Objects.requireNonNull(split, "split");
  }

  void requireSet() {
    requireState(split != null || directory != null, "set a split or a directory");
  }

  /** Opens the directory, or returns null for a split of the caller's. */
  LazyDataset open() {
    return directory == null ? null : LazyDataset.open(directory);
  }

  /** Returns the split: the caller's, or the one of {@code opened}, the result of {@link #open}. */
  Split split(LazyDataset opened) {
    return opened == null ? split : opened.split(splitName);
  }

  static void requireState(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
