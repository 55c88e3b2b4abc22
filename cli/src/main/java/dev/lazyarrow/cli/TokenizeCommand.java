package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code tokenize} command. */
@Command(
    name = "tokenize",
    header = "Add token ids to a dataset already converted or indexed.",
    description = {
      "Reads DATASET (a LazyArrow dataset directory, converted or indexed in place) and writes OUT"
          + " with every column of DATASET plus the ids of its text column, made by --tokenizer:"
          + " lists of int32 (int64 only if the vocabulary needs it), a null text giving null ids.",
      "The tokenizer file is copied beside OUT's shards and its SHA-256, vocabulary size and"
          + " special tokens are recorded in OUT's manifest. OUT is written through a temporary"
          + " folder beside it and renamed into place when complete.",
      "convert SOURCE OUT --tokenizer ... does the same from any source in one pass."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  lazyarrow index ~/data/corpus",
      "  lazyarrow tokenize ~/data/corpus corpus-gpt2 --tokenizer gpt2/tokenizer.json --eod 50256",
      "  lazyarrow tokenize wiki wiki-bert --tokenizer bert/tokenizer.json --max-length 512"
    })
final class TokenizeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DATASET", description = "the dataset directory to read")
  Path dataset;

  @Parameters(index = "1", paramLabel = "OUT", description = "the dataset directory to write")
  Path out;

  @Mixin OutputOptions output;

  @Mixin TokenizerOptions tokenizing;

  @Override
  public Integer call() throws Exception {
    Converter.Builder builder = output.builder().tokenize(tokenizing.tokenization());
    long start = System.nanoTime();
    Converter.Result result = builder.build().tokenize(dataset, out);
    output.report(spec.commandLine().getOut(), "tokenized", dataset, out, result, start);
    return 0;
  }
}
