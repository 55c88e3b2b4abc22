package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.convert.Tokenization;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
      "  lazyarrow convert ~/data/emotion s3://datasets/emotion",
      "  lazyarrow convert corpus.jsonl corpus --tokenizer gpt2/tokenizer.json --eod '<|endoftext|>'"
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

  @Mixin OutputOptions output;

  @Mixin TokenizerOptions tokenizing;

  @Option(
      names = "--config",
      paramLabel = "<name>",
      description = "the config of a Hub dataset with several (default: default, or the only one)")
  String config;

  @Override
  public Integer call() throws Exception {
    Converter.Builder builder = output.builder();
    Tokenization tokenization = tokenizing.optional();
    if (tokenization != null) {
      builder.tokenize(tokenization);
    }
    if (config != null) {
      builder.config(config);
    }
    long start = System.nanoTime();
    Converter.Result result =
        out.remote() == null
            ? builder.build().convert(source, out.path())
            : ObjectStorageOutput.convert(builder, source, out.remote(), output.overwrite);
    output.report(spec.commandLine().getOut(), "converted", source, out, result, start);
    return 0;
  }
}
