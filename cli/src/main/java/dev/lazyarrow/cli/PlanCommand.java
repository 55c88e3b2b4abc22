package dev.lazyarrow.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.SafeFiles;
import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.PackedLoader;
import dev.lazyarrow.loader.TrainingBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code plan} command. */
@Command(
    name = "plan",
    header = "Print the batches a training loop will read, one JSON line each.",
    description = {
      "Each line is {\"batch\": k, \"rows\": [...]}: k is the global batch number in the epoch,"
          + " rows the split indices this rank reads.",
      "With --stop-after K, prints K batches and then {\"state\": {...}}, which --resume"
          + " continues from (with other --rank/--world if wanted).",
      "With --pack, each line is {\"batch\": k, \"samples\": [{\"sample\": g, \"spans\":"
          + " [[row, from, to], ...]}, ...]}: a span is the token range [from, to) of that row."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  lazyarrow plan emotion --split train --order shuffle --seed 1 \\",
      "      --batch-size 32 --rank 0 --world 8 --stop-after 100 > state.txt",
      "  lazyarrow plan emotion --split train --resume state.txt --rank 0 --world 4",
      "  lazyarrow plan emotion --split train --token-budget 4096 \\",
      "      --length-column input_ids",
      "  lazyarrow plan corpus --pack 2048 --length-column input_ids --eod 0 \\",
      "      --order shuffle --batch-size 8 --stop-after 10 > state.txt"
    })
final class PlanCommand implements Callable<Integer> {
  /**
   * Reads a state file's JSON values: a key given twice is an error, not the last one winning, and
   * fractions keep their text, so that the state's own reader sees the numbers as written.
   */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** The last epoch --epoch may name: the loader counts the one after it in an int. */
  private static final int MAX_EPOCH = Integer.MAX_VALUE - 1;

  /** The most bytes a state file may hold; a state is a few hundred. */
  static final int MAX_STATE_BYTES = 1 << 20;

  /** The options that define the loader; --resume takes them from the state instead. */
  private static final List<String> CONFIGURATION =
      List.of(
          "--seed",
          "--epoch",
          "--order",
          "--window",
          "--batch-size",
          "--token-budget",
          "--length-column",
          "--drop-last");

  @Spec CommandSpec spec;

  @Mixin ReadOptions input;

  @Mixin PackOptions pack;

  @Option(names = "--seed", paramLabel = "<n>", description = "shuffle seed (default: 0)")
  long seed;

  @Option(names = "--epoch", paramLabel = "<e>", description = "the epoch (default: 0)")
  int epoch;

  @Option(names = "--rank", paramLabel = "<r>", description = "this rank (default: 0)")
  int rank;

  @Option(names = "--world", paramLabel = "<w>", description = "number of ranks (default: 1)")
  int world = 1;

  @Option(
      names = "--order",
      paramLabel = "sequential|shuffle|block",
      description = "epoch order (default: sequential)")
  String order = "sequential";

  @Option(
      names = "--window",
      paramLabel = "<batches>",
      description = "record batches per block-shuffle window (default: 4)")
  int window = 4;

  @Option(names = "--batch-size", paramLabel = "<b>", description = "rows per batch (default: 1)")
  Integer batchSize;

  @Option(names = "--token-budget", paramLabel = "<t>", description = "tokens per batch")
  Long tokenBudget;

  @Option(
      names = "--length-column",
      paramLabel = "<c>",
      description = "the list column whose lengths count as tokens")
  String lengthColumn;

  @Option(names = "--drop-last", description = "drop the incomplete last round instead of padding")
  boolean dropLast;

  @Option(
      names = "--stop-after",
      paramLabel = "<k>",
      description = "print k batches, then the state to resume from")
  Long stopAfter;

  @Option(
      names = "--summary",
      description =
          "with --mix, print per source its rows, weight, share of the epoch's positions and the"
              + " epochs of its own it goes through in one, instead of the batches")
  boolean summary;

  @Option(
      names = "--resume",
      paramLabel = "STATE_FILE",
      description = "continue from a state printed by --stop-after")
  Path resume;

  /** The state --resume continues from, once read. */
  private LoaderState resumed;

  @Override
  public Integer call() throws IOException {
    try (ReadOptions.Input read = input.open(LazyDataset.newBuilder(), seed, mixColumn())) {
      PrintWriter out = spec.commandLine().getOut();
      LoaderBuilder builder = builder(read);
      if (summary) {
        if (read.mixture() == null) {
          throw new IllegalArgumentException("--summary tells how a --mix mixture is drawn");
        }
        MixSummary.print(
            read.mixture(), builder, pack.packs(resumed) ? pack : null, lengthColumn, resumed, out);
        out.flush();
        return 0;
      }
      if (pack.packs(resumed)) {
        try (PackedLoader loader = named(() -> pack.build(builder, lengthColumn, resumed))) {
          pack.print(loader, stopAfter, out);
          if (stopAfter != null) {
            out.println("{\"state\": " + loader.state().toJson() + "}");
          }
        }
        out.flush();
        return 0;
      }
      try (Loader loader = named(builder::build)) {
        Iterator<TrainingBatch> batches = loader.plan();
        long printed = 0;
        StringBuilder line = new StringBuilder();
        while (batches.hasNext() && (stopAfter == null || printed < stopAfter)) {
          TrainingBatch batch = batches.next();
          line.setLength(0);
          line.append("{\"batch\": ").append(batch.step()).append(", \"rows\": [");
          long[] rows = batch.indices();
          int[] sources = read.mixture() == null ? null : batch.sources();
          for (int i = 0; i < rows.length; i++) {
            line.append(i == 0 ? "" : ", ");
            if (sources == null) {
              line.append(rows[i]);
            } else {
              line.append('[').append(sources[i]).append(", ").append(rows[i]).append(']');
            }
          }
          out.println(line.append("]}"));
          printed++;
        }
        if (stopAfter != null) {
          out.println("{\"state\": " + loader.state().toJson() + "}");
        }
      }
      out.flush();
    }
    return 0;
  }

  /**
   * Returns the column a mixture's sources are read through: the one the loader packs or counts
   * tokens by, given or in the resumed state; null for one split, or a mixture of rows alone.
   */
  private String mixColumn() throws IOException {
    if (input.mix == null) {
      return null;
    }
    if (lengthColumn != null || resume == null) {
      return lengthColumn;
    }
    LoaderState state = readState(resume);
    return state.packing() != null ? state.packing().tokenColumn() : state.lengthColumn();
  }

  /**
   * Returns what {@code build} builds: with --resume, what the loader refuses in the state (a step
   * beyond its epoch, another mixture) is an error in the state file, named.
   */
  private <T> T named(Supplier<T> build) {
    if (resume == null) {
      return build.get();
    }
    try {
      return build.get();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new LazyArrowException(resume, e.getMessage());
    }
  }

  private LoaderBuilder builder(ReadOptions.Input read) throws IOException {
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException(
          "--epoch must be in [0, " + MAX_EPOCH + "], found " + epoch);
    }
    if (stopAfter != null && stopAfter < 0) {
      throw new IllegalArgumentException("--stop-after must not be negative, found " + stopAfter);
    }
    LoaderBuilder builder =
        read.mixture() == null
            ? Loader.newBuilder(read.split())
            : Loader.newBuilder(read.mixture());
    boolean sharded =
        spec.commandLine().getParseResult().hasMatchedOption("--rank")
            || spec.commandLine().getParseResult().hasMatchedOption("--world");
    if (resume != null) {
      for (String option :
          java.util.stream.Stream.concat(CONFIGURATION.stream(), PackOptions.CONFIGURATION.stream())
              .toList()) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException(
              "--resume takes " + option + " from the state; only --rank and --world may change");
        }
      }
      resumed = readState(resume);
      try {
        builder.resume(resumed);
      } catch (IllegalArgumentException e) {
        throw new LazyArrowException(resume, e.getMessage());
      }
      return sharded ? builder.shard(rank, world) : builder;
    }
    switch (order) {
      case "sequential" -> {}
      case "shuffle" -> builder.shuffle(seed);
      case "block" -> builder.blockShuffle(seed, window);
      default ->
          throw new IllegalArgumentException(
              "--order must be sequential, shuffle or block, found '" + order + "'");
    }
    builder.epoch(epoch).shard(rank, world);
    if (tokenBudget != null) {
      if (pack.seqLen != null) {
        throw new IllegalArgumentException("--pack makes batches of samples: no --token-budget");
      }
      if (batchSize != null || lengthColumn == null) {
        throw new IllegalArgumentException(
            "--token-budget needs --length-column and excludes --batch-size");
      }
      builder.tokenBudget(tokenBudget, lengthColumn);
    } else {
      builder.batchSize(batchSize == null ? 1 : batchSize);
    }
    return dropLast ? builder.dropLast() : builder;
  }

  /**
   * Reads a state file: the output of {@code plan --stop-after}, whose last JSON value is {@code
   * {"state": ...}}, or a bare state, on one line or pretty-printed, with or without a byte order
   * mark. The file is data like any other: a regular file of at most {@value #MAX_STATE_BYTES}
   * bytes, and what is wrong with it is an error naming it.
   */
  private static LoaderState readState(Path file) throws IOException {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(SafeFiles.readAll(file, MAX_STATE_BYTES)))
              .toString();
    } catch (CharacterCodingException e) {
      throw new LazyArrowException(file, "is not UTF-8 text, so not a loader state");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    JsonNode last = null;
    try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(text)) {
      while (values.hasNextValue()) {
        last = values.nextValue();
      }
    } catch (JsonProcessingException e) {
      throw new LazyArrowException(
          file,
          "not a loader state: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " at line "
                      + e.getLocation().getLineNr()
                      + " column "
                      + e.getLocation().getColumnNr()));
    }
    if (last == null) {
      throw new LazyArrowException(file, "not a loader state: it holds no JSON value");
    }
    if (!last.isObject()) {
      throw new LazyArrowException(
          file,
          "not a loader state: its last JSON value is not an object but " + last.getNodeType());
    }
    JsonNode state = last;
    if (last.has("state")) {
      if (last.size() != 1) {
        throw new LazyArrowException(
            file, "not a loader state: {\"state\": ...} holds nothing else, found " + names(last));
      }
      state = last.get("state");
    }
    try {
      return LoaderState.fromJson(state.toString());
    } catch (IllegalArgumentException e) {
      throw new LazyArrowException(file, e.getMessage());
    }
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
