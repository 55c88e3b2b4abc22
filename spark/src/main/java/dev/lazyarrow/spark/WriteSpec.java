package dev.lazyarrow.spark;

import dev.lazyarrow.convert.Converter;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * What one write asks for, from its options; sent to every task.
 *
 * <p>Options: {@code path} (the dataset directory), {@code split} (default {@code train}) or {@code
 * splitColumn} (a string column whose value names each row's split; it is not stored), {@code
 * batchBytes} (default 4 MiB), {@code shardBytes} (default 512 MiB), {@code compression} ({@code
 * none} or {@code zstd}), {@code classLabel.COLUMN} (the label names of a bigint or
 * array&lt;bigint&gt; column, comma-separated) and {@code features} (the whole HuggingFace features
 * JSON instead).
 *
 * @param splitColumn the index of the split column in the written schema, or -1
 * @param mode the save mode the user asked for (Spark hands the source append or overwrite only)
 */
record WriteSpec(
    String path,
    String split,
    int splitColumn,
    long batchBytes,
    long shardBytes,
    Converter.Compression compression,
    String features,
    Map<String, List<String>> labels,
    SaveMode mode)
    implements Serializable {
  /**
   * The option that carries the user's save mode from {@code LazyArrowSource.createRelation} to the
   * write it starts; named like Spark's own internal options ({@code __partition_columns}).
   */
  static final String SAVE_MODE = "__lazyarrow_save_mode";

  private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String LABEL_PREFIX = "classlabel.";

  /**
   * Reads the options of a write of {@code schema}.
   *
   * @throws IllegalArgumentException naming the option whose value is missing or bad
   */
  static WriteSpec of(CaseInsensitiveStringMap options, StructType schema) {
    String path = options.get("path");
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("no path: call save(path)");
    }
    String column = options.get("splitColumn");
    int splitColumn = -1;
    String split = options.getOrDefault("split", "train");
    if (column != null) {
      if (options.containsKey("split")) {
        throw new IllegalArgumentException("give split or splitColumn, not both");
      }
      splitColumn = Arrays.asList(schema.fieldNames()).indexOf(column);
      if (splitColumn < 0 || schema.fields()[splitColumn].dataType() != DataTypes.StringType) {
        throw new IllegalArgumentException(
            "splitColumn must name a string column, found '"
                + column
                + "' in "
                + schema.simpleString());
      }
      split = null;
    } else {
      checkSplitName(split);
    }
    Map<String, List<String>> labels = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.asCaseSensitiveMap().entrySet()) {
      if (e.getKey().toLowerCase(Locale.ROOT).startsWith(LABEL_PREFIX)) {
        labels.put(
            e.getKey().substring(LABEL_PREFIX.length()),
            Arrays.stream(e.getValue().split(",")).map(String::trim).toList());
      }
    }
    return new WriteSpec(
        path,
        split,
        splitColumn,
        positive(options, "batchBytes", Converter.DEFAULT_BATCH_BYTES),
        positive(options, "shardBytes", Converter.DEFAULT_SHARD_BYTES),
        compression(options.getOrDefault("compression", "none")),
        options.get("features"),
        Map.copyOf(labels),
        SaveMode.valueOf(options.getOrDefault(SAVE_MODE, SaveMode.Append.name())));
  }

  /**
   * Checks a split name as the manifest does.
   *
   * @throws IllegalArgumentException if it is not made of letters, digits, _ . and -
   */
  static String checkSplitName(String name) {
    if (name == null || !SPLIT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "split name must match " + SPLIT_NAME + ", found '" + name + "'");
    }
    return name;
  }

  private static long positive(CaseInsensitiveStringMap options, String key, long otherwise) {
    String value = options.get(key);
    if (value == null) {
      return otherwise;
    }
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be a positive number of bytes, found " + value);
    }
    if (n <= 0) {
      throw new IllegalArgumentException(
          key + " must be a positive number of bytes, found " + value);
    }
    return n;
  }

  private static Converter.Compression compression(String value) {
    try {
      return Converter.Compression.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("compression must be none or zstd, found " + value);
    }
  }
}
