package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code verify} command. */
@Command(
    name = "verify",
    header = "Check every shard and record batch against the manifest.",
    description = "Reads every footer and loads every record batch; exits 1 at the first fault.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET", description = "the dataset directory")
  Path dataset;

  @Override
  public Integer call() {
    try (LazyDataset ds = LazyDataset.open(dataset)) {
      ds.verify();
      long rows = ds.splits().stream().mapToLong(Split::size).sum();
      spec.commandLine()
          .getOut()
          .printf(
              "ok: %s, %s, %s%n",
              dataset, Plural.of(ds.splits().size(), "split"), Plural.of(rows, "row"));
    }
    return 0;
  }
}
