package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code verify} command. */
@Command(
    name = "verify",
    header = "Check every shard and batch against the manifest and checksums.",
    description =
        "Reads every footer, checks the structure of every record batch and every CRC32C the"
            + " shards record (every byte of every shard); exits 1 at the first fault.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DatasetArgument dataset;

  @Override
  public Integer call() {
    try (LazyDataset ds = dataset.open(LazyDataset.newBuilder())) {
      ds.verify();
      long rows = ds.splits().stream().mapToLong(Split::size).sum();
      spec.commandLine()
          .getOut()
          .printf(
              "ok: %s, %s, %s, %s%n",
              dataset,
              Plural.of(ds.splits().size(), "split"),
              Plural.of(rows, "row"),
              ds.hasChecksums()
                  ? "every checksum matches"
                  : "structure only (written without checksums)");
    }
    return 0;
  }
}
