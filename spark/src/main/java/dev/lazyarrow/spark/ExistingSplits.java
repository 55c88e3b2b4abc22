package dev.lazyarrow.spark;

import dev.lazyarrow.internal.format.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import scala.Option;
import scala.collection.immutable.Map$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a write finds already in its dataset, for Spark's save modes errorifexists and ignore.
 *
 * <p>A write of one split finds its target existing when the manifest lists that split; a dataset
 * that holds only other splits gets the split added. A write by {@code splitColumn}, whose splits
 * are known only from its rows, finds its target existing when the folder holds a dataset at all,
 * as a Parquet write finds its folder. A folder without a manifest holds no dataset.
 */
final class ExistingSplits {
  /** The error condition of a write in mode errorifexists whose target exists. */
  static final String CONDITION = "LAZYARROW_SPLIT_ALREADY_EXISTS";

  /** Spark's SQLSTATE for an output path that exists already ({@code PATH_ALREADY_EXISTS}). */
  private static final String SQL_STATE = "42K04";

  private static final String TEMPLATE =
      "The LazyArrow dataset <path> already holds <splits>. Set mode \"append\" to add the rows to"
          + " it, \"overwrite\" to replace the whole dataset, or \"ignore\" to skip the write.";

  private ExistingSplits() {}

  /** Returns the manifest of the dataset in {@code dir}, or null if the folder holds none. */
  static Manifest read(Path dir) {
    return Files.exists(dir.resolve(Manifest.FILE_NAME)) ? Manifest.read(dir) : null;
  }

  /**
   * Returns the splits of {@code old} that make a write of {@code spec} find its target existing,
   * in the manifest's order; empty if there are none.
   */
  static List<String> in(Manifest old, WriteSpec spec) {
    if (old == null) {
      return List.of();
    }
    List<String> names = old.splits().stream().map(Manifest.SplitEntry::name).toList();
    if (spec.split() == null) {
      return names;
    }
    return names.contains(spec.split()) ? List.of(spec.split()) : List.of();
  }

  /**
   * Throws the {@link AnalysisException} of a write in mode errorifexists that finds {@code splits}
   * in {@code dir}, as Spark raises one for a Parquet write into an existing folder.
   *
   * <p>The exception is checked in Java but Spark's Scala interfaces declare none, so it is thrown
   * unchecked: PySpark and Scala callers catch it by its class, as they catch Spark's own.
   */
  @SuppressWarnings("unchecked")
  static <E extends Exception> void throwAlreadyExists(Path dir, List<String> splits) throws E {
    String named =
        (splits.size() == 1 ? "split " : "splits ")
            + splits.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
    scala.collection.immutable.Map<String, String> parameters =
        Map$.MODULE$.from(
            CollectionConverters.asScala(Map.of("path", dir.toString(), "splits", named)));
    throw (E)
        new AnalysisException(
            CONDITION, SQL_STATE, TEMPLATE, parameters, Option.empty(), Option.empty());
  }
}
