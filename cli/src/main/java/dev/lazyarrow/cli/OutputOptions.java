package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the commands that write a dataset directory ({@code convert}, {@code tokenize}):
 * which splits, batch and shard sizes, compression, overwriting and the progress bar.
 */
final class OutputOptions {
  @Option(
      names = "--split",
      paramLabel = "<name>",
      description = "write only this split (repeatable)")
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
      names = {"-q", "--quiet"},
      description = "show no progress bar")
  boolean quiet;

  private ProgressReporter progress;

  /**
   * Returns a converter builder with these options, reporting progress on stderr when it is a
   * terminal and not {@code --quiet}.
   *
   * @throws IllegalArgumentException if an option is out of range
   */
  Converter.Builder builder() {
    Converter.Builder builder =
        Converter.newBuilder()
            .batchBytes(batchBytes)
            .shardBytes(shardBytes)
            .compression(parseCompression(compression))
            .overwrite(overwrite);
    splits.forEach(builder::split);
    progress = new ProgressReporter(!quiet && ProgressReporter.stderrIsTerminal());
    return builder.progress(progress);
  }

  /**
   * Prints what {@code result} wrote: a line per split, then {@code "<verb> <from> to <to>"} with
   * rows, the token ids when tokenizing, and the time since {@code startNanos}.
   */
  void report(
      PrintWriter out, String verb, Object from, Object to, Converter.Result result, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    for (Converter.SplitWritten split : result.splits()) {
      out.printf(
          "%s: %s in %s%n",
          split.name(), Plural.of(split.rows(), "row"), Plural.of(split.shards(), "shard"));
    }
    String tokens =
        progress.tokens() == 0
            ? ""
            : String.format(
                ", %s (%.0f tokens/s)",
                Plural.of(progress.tokens(), "token"), progress.tokens() / seconds);
    out.printf(
        "%s %s (%s) to %s: %s%s in %.2f s%n",
        verb, from, result.layout(), to, Plural.of(result.rows(), "row"), tokens, seconds);
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
