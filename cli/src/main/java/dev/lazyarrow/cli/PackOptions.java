package dev.lazyarrow.cli;

import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.PackedBatch;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.PackedLoaderBuilder;
import java.io.PrintWriter;
import java.nio.IntBuffer;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code plan --pack}: packed samples instead of rows, and how they print. */
final class PackOptions {
  /** The options that define the packing; --resume takes them from the state instead. */
  static final List<String> CONFIGURATION =
      List.of("--pack", "--pack-mode", "--bin-window", "--eod");

  @Option(
      names = "--pack",
      paramLabel = "<seq_len>",
      description =
          "print packed samples of seq_len + 1 tokens of the --length-column documents instead of"
              + " rows; --batch-size counts samples")
  Integer seqLen;

  @Option(
      names = "--pack-mode",
      paramLabel = "concat|bins|best-fit",
      description =
          "concat: one stream cut into samples (Megatron's GPTDataset); bins: whole documents,"
              + " first fit, padded; best-fit: bins, best fit (default: concat)")
  String mode = "concat";

  @Option(
      names = "--bin-window",
      paramLabel = "<documents>",
      description = "documents packed together into bins (default: 1000)")
  int binWindow = 1000;

  @Option(
      names = "--eod",
      paramLabel = "<id>",
      description = "follow every document with this token (position len(row) of its span)")
  Integer eod;

  @Option(names = "--tokens", description = "print each sample's tokens too")
  boolean tokens;

  /** Returns whether packed samples are asked for, by --pack or by a resumed packed state. */
  boolean packs(LoaderState resumed) {
    return seqLen != null || resumed != null && resumed.packing() != null;
  }

  /** Returns the packed loader over {@code rows}: packing by the options, or by {@code resumed}. */
  PackedLoader build(LoaderBuilder rows, String lengthColumn, LoaderState resumed) {
    if (resumed != null) {
      return rows.pack().build();
    }
    if (lengthColumn == null) {
      throw new IllegalArgumentException("--pack needs --length-column, the token column");
    }
    PackedLoaderBuilder builder = rows.pack(seqLen, lengthColumn);
    if (eod != null) {
      builder.eod(eod);
    }
    switch (mode) {
      case "concat" -> {}
      case "bins" -> builder.firstFit(binWindow);
      case "best-fit" -> builder.bestFit(binWindow);
      default ->
          throw new IllegalArgumentException(
              "--pack-mode must be concat, bins or best-fit, found '" + mode + "'");
    }
    return builder.build();
  }

  /**
   * Prints {@code loader}'s batches, at most {@code stopAfter} if set: {@code {"batch": k,
   * "samples": [{"sample": g, "spans": [[row, from, to], ...]}, ...]}} a line; returns how many.
   */
  long print(PackedLoader loader, Long stopAfter, PrintWriter out) {
    Iterator<PackedBatch> batches = tokens ? loader.iterator() : loader.plan();
    long printed = 0;
    StringBuilder line = new StringBuilder();
    while (batches.hasNext() && (stopAfter == null || printed < stopAfter)) {
      PackedBatch batch = batches.next();
      line.setLength(0);
      line.append("{\"batch\": ").append(batch.step()).append(", \"samples\": [");
      for (int i = 0; i < batch.size(); i++) {
        line.append(i == 0 ? "" : ", ").append("{\"sample\": ").append(batch.sample(i));
        line.append(", \"spans\": [");
        List<PackedBatch.Span> spans = batch.spans(i);
        for (int k = 0; k < spans.size(); k++) {
          PackedBatch.Span span = spans.get(k);
          line.append(k == 0 ? "[" : ", [");
          if (loader.state().mixture() != null) {
            line.append(span.source()).append(", ");
          }
          line.append(span.row()).append(", ").append(span.from()).append(", ").append(span.to());
          line.append(']');
        }
        line.append(']');
        if (tokens) {
          line.append(", \"tokens\": [");
          IntBuffer values = batch.tokens();
          int width = batch.seqLen() + 1;
          for (int t = i * width; t < (i + 1) * width; t++) {
            line.append(t == i * width ? "" : ", ").append(values.get(t));
          }
          line.append(']');
        }
        line.append('}');
      }
      out.println(line.append("]}"));
      printed++;
    }
    return printed;
  }
}
