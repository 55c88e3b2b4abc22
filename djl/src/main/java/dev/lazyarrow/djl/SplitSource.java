package dev.lazyarrow.djl;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.Mixture;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a dataset builder's rows come from: a split the caller keeps open, a directory and a split
 * name that building opens, or a mixture of splits the caller keeps open.
 */
final class SplitSource {
  private Split split;
  private Path directory;
  private String splitName;
  private Mixture mixture;

  void setSplit(Split split) {
    requireUnset();
    this.split = Objects.requireNonNull(split, "split");
  }

  void setDirectory(Path dir, String split) {
    requireUnset();
    this.directory = Objects.requireNonNull(dir, "dir");
    this.splitName = Objects.requireNonNull(split, "split");
  }

  void setMixture(Mixture mixture) {
    requireUnset();
    this.mixture = Objects.requireNonNull(mixture, "mixture");
  }

  void requireSet() {
    requireState(
        split != null || directory != null || mixture != null,
        "set a split, a directory or a mixture");
  }

  /** Returns the mixture, or null if the rows come from one split. */
  Mixture mixture() {
    return mixture;
  }

  /** Opens the directory, or returns null for a split or a mixture of the caller's. */
  LazyDataset open() {
    return directory == null ? null : LazyDataset.open(directory);
  }

  /**
   * Returns the split: the caller's, the one of {@code opened} (the result of {@link #open}), or a
   * mixture's first source, whose columns stand for all (a mixture checks that they agree).
   */
  Split split(LazyDataset opened) {
    if (mixture != null) {
      return mixture.sources().get(0);
    }
    return opened == null ? split : opened.split(splitName);
  }

  /** Returns a builder of loaders over the rows: the split's, or the mixture's. */
  LoaderBuilder loader(LazyDataset opened) {
    return mixture != null ? Loader.newBuilder(mixture) : Loader.newBuilder(split(opened));
  }

  private void requireUnset() {
    requireState(
        split == null && directory == null && mixture == null,
        "the rows were already set: "
            + (mixture != null ? "a mixture" : split != null ? split : directory));
  }

  static void requireState(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
