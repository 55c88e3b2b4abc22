package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The dataset and split a reading command works on: DATASET and {@code --split}. */
final class SplitOptions {
  @Mixin DatasetArgument dataset;

  @Option(
      names = "--split",
      paramLabel = "<name>",
      description = "the split to read (default: the only split)")
  String split;

  /**
   * Returns the split named by {@code --split}, or the dataset's only split.
   *
   * @throws IllegalArgumentException if no split is named and the dataset has several
   */
  Split choose(LazyDataset ds) {
    return choose(ds, split);
  }

  /** Returns split {@code split} of {@code ds}, or its only split if {@code split} is null. */
  static Split choose(LazyDataset ds, String split) {
    if (split != null) {
      return ds.split(split);
    }
    if (ds.splits().size() != 1) {
      throw new IllegalArgumentException(
          "the dataset has splits "
              + ds.splits().stream().map(Split::name).toList()
              + "; choose one with --split");
    }
    return ds.splits().get(0);
  }
}
