package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Indexer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code index} command. */
@Command(
    name = "index",
    header = "Serve a save_to_disk folder or load_dataset cache in place.",
    description = {
      "Walks the record batch headers of SOURCE's Arrow stream files once and writes"
          + " lazyarrow.json and lazyarrow.index beside them; nothing is copied.",
      "SOURCE then opens as a dataset (inspect, dump, verify, LazyDataset.open). A stream changed"
          + " afterwards is refused until SOURCE is indexed again."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  lazyarrow index ~/data/emotion",
      "  lazyarrow index ~/.cache/huggingface/datasets/emotion/split/0.0.0/abc123",
      "  lazyarrow dump ~/data/emotion --split train --range 0:3"
    })
final class IndexCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "the folder to index")
  Path source;

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Converter.Result result = Indexer.index(source);
    double seconds = (System.nanoTime() - start) / 1e9;
    for (Converter.SplitWritten split : result.splits()) {
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %s in %s%n",
              split.name(),
              Plural.of(split.rows(), "row"),
              Plural.of(split.shards(), "stream file"));
    }
    spec.commandLine()
        .getOut()
        .printf(
            "indexed %s (%s): %s in %.3f s%n",
            source, result.layout(), Plural.of(result.rows(), "row"), seconds);
    return 0;
  }
}
