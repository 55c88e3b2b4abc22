package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code convert} command. */
@Command(
    name = "convert",
    header = "Convert a dataset on disk into a LazyArrow dataset directory.",
    description = {
      "SOURCE is found by its layout: a save_to_disk folder, a load_dataset cache folder, a Hub"
          + " Parquet folder (data/<split>-NNNNN-of-NNNNN.parquet or"
          + " <config>/<split>/NNNN.parquet), or one .arrow, .parquet or .jsonl file.",
      "OUT is written through a temporary folder beside it and renamed into place when complete."
          + " A progress bar shows on stderr when it is a terminal.",
      "OUT may be s3://bucket/prefix: the dataset is written to a temporary folder, then its"
          + " shards are uploaded (in 64 MiB parts when larger) and its manifest last, so that"
          + " readers see all of it or nothing. AWS settings come from the SDK's chains and"
          + " AWS_ENDPOINT_URL."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  lazyarrow convert ~/data/emotion emotion",
      "  lazyarrow convert ~/hub/squad squad --config plain_text --split train",
      "  lazyarrow convert corpus.jsonl corpus --compression zstd --overwrite",
      "  lazyarrow convert ~/data/emotion s3://datasets/emotion"
    })
final class ConvertCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SOURCE", description = "the dataset to convert")
  Path source;

  @Parameters(
      index = "1",
      paramLabel = "OUT",
      converter = DatasetLocation.Parser.class,
      description = "the dataset directory to write, or s3://bucket/prefix")
  DatasetLocation out;

  @Option(
      names = "--split",
      paramLabel = "<name>",
      description = "convert only this split (repeatable)")
  List<String> splits = new ArrayList<>();

  @Option(
      names = "--batch-bytes",
      paramLabel = "<n>",
      description = "bound on a record batch's bytes (default: ${DEFAULT-VALUE})")
  long batchBytes = Converter.DEFAULT_BATCH_BYTES;

  @Option(
      names = "--shard-bytes",
      paramLabel = "<n>",
      description = "start a new shard after this many bytes (default: ${DEFAULT-VALUE})")
  long shardBytes = Converter.DEFAULT_SHARD_BYTES;

  @Option(
      names = "--compression",
      paramLabel = "none|zstd",
      description = "shard compression (default: none, which reads zero-copy)")
  String compression = "none";

  @Option(names = "--overwrite", description = "replace OUT if it exists")
  boolean overwrite;

  @Option(
      names = "--config",
      paramLabel = "<name>",
      description = "the config of a Hub dataset with several (default: default, or the only one)")
  String config;

  @Option(
      names = {"-q", "--quiet"},
      description = "show no progress bar")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    Converter.Builder builder =
        Converter.newBuilder()
            .batchBytes(batchBytes)
            .shardBytes(shardBytes)
            .compression(parseCompression(compression))
            .overwrite(overwrite);
    splits.forEach(builder::split);
    if (config != null) {
      builder.config(config);
    }
    if (!quiet && ProgressReporter.stderrIsTerminal()) {
      builder.progress(new ProgressReporter());
    }
    long start = System.nanoTime();
    Converter.Result result =
        out.remote() == null
            ? builder.build().convert(source, out.path())
            : ObjectStorageOutput.convert(builder, source, out.remote(), overwrite);
    double seconds = (System.nanoTime() - start) / 1e9;
    for (Converter.SplitWritten split : result.splits()) {
      spec.commandLine()
          .getOut()
          .printf(
              "%s: %s in %s%n",
              split.name(),
              Plural.of(split.rows(), "row"),
              Plural.of(split.shards(), "shard"));
    }
    spec.commandLine()
        .getOut()
        .printf(
            "converted %s (%s) to %s: %s in %.2f s%n",
            source, result.layout(), out, Plural.of(result.rows(), "row"), seconds);
    return 0;
  }

  private static Converter.Compression parseCompression(String name) {
    return switch (name) {
      case "none" -> Converter.Compression.NONE;
      case "zstd" -> Converter.Compression.ZSTD;
      default ->
          throw new IllegalArgumentException(
              "--compression must be none or zstd, found '" + name + "'");
    };
  }
}
