package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import picocli.CommandLine.Parameters;

/** The DATASET argument of the commands that read a dataset: a directory or a URI. */
final class DatasetArgument {
  @Parameters(
      index = "0",
      paramLabel = "DATASET",
      converter = DatasetLocation.Parser.class,
      description = "the dataset directory, or s3://bucket/prefix")
  DatasetLocation dataset;

  /** Opens the dataset with {@code builder}. */
  LazyDataset open(LazyDataset.Builder builder) {
    return dataset.open(builder);
  }

  @Override
  public String toString() {
    return dataset.toString();
  }
}
