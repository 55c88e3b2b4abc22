package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.loader.Mixture;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * What a loader command reads: DATASET and {@code --split}, or a mixture of several, each {@code
 * --mix DATASET[#SPLIT]=WEIGHT}.
 */
final class ReadOptions {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "DATASET",
      converter = DatasetLocation.Parser.class,
      description = "the dataset directory, or s3://bucket/prefix; none with --mix")
  DatasetLocation dataset;

  @Option(
      names = "--split",
      paramLabel = "<name>",
      description = "the split to read (default: the only split)")
  String split;

  @Option(
      names = "--mix",
      paramLabel = "DATASET[#SPLIT]=WEIGHT",
      description =
          "a source of a mixture, with its weight; repeat for each (source s is the s-th, from 0)")
  List<String> mix;

  @Option(
      names = "--mix-mode",
      paramLabel = "blend|sample",
      description =
          "blend: every source within one of its share at every position; sample: each position"
              + " drawn at random from --seed (default: blend)")
  String mixMode = "blend";

  @Option(
      names = "--mix-length",
      paramLabel = "N|first_exhausted|all_exhausted",
      description = "positions of a mixture's epoch (default: first_exhausted)")
  String mixLength = "first_exhausted";

  /** The datasets opened, the split or mixture read from them; closing closes the datasets. */
  record Input(Split split, Mixture mixture, List<LazyDataset> opened) implements AutoCloseable {
    @Override
    public void close() {
      opened.forEach(LazyDataset::close);
    }
  }

  /**
   * Opens what the options name, a mixture sampling from {@code seed} if {@code --mix-mode sample}
   * whose sources are read through their column {@code column} alone if not null (the column a
   * loader packs or counts tokens by), so that sources with other columns besides it mix.
   *
   * @throws IllegalArgumentException if both or neither of DATASET and --mix are given, a --mix is
   *     not DATASET[#SPLIT]=WEIGHT, or the mixture refuses its sources
   */
  Input open(LazyDataset.Builder builder, long seed, String column) {
    if ((dataset == null) == (mix == null)) {
      throw new IllegalArgumentException("give either DATASET or --mix DATASET[#SPLIT]=WEIGHT ...");
    }
    List<LazyDataset> opened = new ArrayList<>();
    try {
      if (mix == null) {
        if (!"blend".equals(mixMode) || !"first_exhausted".equals(mixLength)) {
          throw new IllegalArgumentException("--mix-mode and --mix-length need --mix");
        }
        LazyDataset ds = dataset.open(builder);
        opened.add(ds);
        return new Input(SplitOptions.choose(ds, split), null, opened);
      }
      if (split != null) {
        throw new IllegalArgumentException("with --mix, name each split as DATASET#SPLIT=WEIGHT");
      }
      Mixture.Builder mixture = Mixture.newBuilder();
      Set<String> named = new HashSet<>();
      for (String source : mix) {
        int equals = source.lastIndexOf('=');
        if (equals < 0) {
          throw new IllegalArgumentException(
              "--mix takes DATASET[#SPLIT]=WEIGHT, found '" + source + "'");
        }
        double weight = weight(source.substring(equals + 1), source);
        String location = source.substring(0, equals);
        int hash = location.lastIndexOf('#');
        String name = hash < 0 ? null : location.substring(hash + 1);
        DatasetLocation where = location(hash < 0 ? location : location.substring(0, hash));
        LazyDataset ds = where.open(builder);
        opened.add(ds);
        Split chosen = SplitOptions.choose(ds, name);
        if (!named.add(where.normalized() + "#" + chosen.name())) {
          throw new IllegalArgumentException(
              "--mix names split " + chosen.name() + " of " + where + " twice; give it one weight");
        }
        mixture.add(column == null ? chosen : chosen.select(column), weight);
      }
      switch (mixMode) {
        case "blend" -> {}
        case "sample" -> mixture.sample(seed);
        default ->
            throw new IllegalArgumentException(
                "--mix-mode must be blend or sample, found '" + mixMode + "'");
      }
      switch (mixLength) {
        case "first_exhausted" -> mixture.firstExhausted();
        case "all_exhausted" -> mixture.allExhausted();
        default -> mixture.length(positions(mixLength));
      }
      return new Input(null, build(mixture), opened);
    } catch (RuntimeException e) {
      opened.forEach(LazyDataset::close);
      throw e;
    }
  }

  /** Returns the mixture, its refusal (all weights zero, columns that differ) a usage error. */
  private static Mixture build(Mixture.Builder mixture) {
    try {
      return mixture.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("--mix: " + e.getMessage(), e);
    }
  }

  private static DatasetLocation location(String text) {
    try {
      return new DatasetLocation.Parser().convert(text);
    } catch (TypeConversionException e) {
      throw new IllegalArgumentException("--mix " + text + ": " + e.getMessage());
    }
  }

  private static double weight(String text, String source) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--mix takes DATASET[#SPLIT]=WEIGHT, a number, found '" + source + "'");
    }
  }

  private static long positions(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--mix-length must be a number of positions, first_exhausted or all_exhausted, found '"
              + text
              + "'");
    }
  }
}
