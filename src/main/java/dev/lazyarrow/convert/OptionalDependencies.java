package dev.lazyarrow.convert;

import dev.lazyarrow.LazyArrowException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The optional dependencies of some converter sources, checked before a source first needs them, so
 * that a project without them is told the Maven coordinates to add instead of dying of a {@code
 * NoClassDefFoundError}. Each coordinate maps to one class it provides; the versions are the ones
 * this project's pom pins (a test holds them equal).
 */
final class OptionalDependencies {
  /** Parquet-MR and the few Hadoop classes it needs even for local files. */
  static final Map<String, String> PARQUET =
      Map.of(
          "org.apache.parquet:parquet-hadoop:1.18.1",
          "org.apache.parquet.hadoop.ParquetFileReader",
          "org.apache.hadoop:hadoop-common:3.4.1 (exclusions: *:*)",
          "org.apache.hadoop.conf.Configuration",
          "org.apache.hadoop:hadoop-mapreduce-client-core:3.4.1 (exclusions: *:*)",
          "org.apache.hadoop.mapreduce.JobSubmitter",
          "org.apache.hadoop.thirdparty:hadoop-shaded-guava:1.3.0",
          "org.apache.hadoop.thirdparty.com.google.common.base.Preconditions",
          "com.fasterxml.woodstox:woodstox-core:5.4.0",
          "com.ctc.wstx.api.CommonConfig",
          "org.codehaus.woodstox:stax2-api:4.2.1",
          "org.codehaus.stax2.DTDInfo",
          "commons-collections:commons-collections:3.2.2",
          "org.apache.commons.collections.keyvalue.AbstractKeyValue");

  /** The YAML reader of a Hub dataset's README.md front matter. */
  static final Map<String, String> YAML =
      Map.of(
          "com.fasterxml.jackson.dataformat:jackson-dataformat-yaml:2.21.0",
          "com.fasterxml.jackson.dataformat.yaml.YAMLMapper");

  private OptionalDependencies() {}

  /**
   * Checks that every dependency in {@code dependencies} is on the class path before {@code work}
   * on {@code file} needs it.
   *
   * @throws LazyArrowException naming the coordinates of each one missing
   */
  static void require(Path file, String work, Map<String, String> dependencies) {
    List<String> missing =
        dependencies.entrySet().stream()
            .filter(e -> !present(e.getValue()))
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    if (!missing.isEmpty()) {
      throw new LazyArrowException(
          file,
          work
              + " needs optional dependencies of lazyarrow that are not on the class path; add to"
              + " your pom "
              + String.join(", ", missing)
              + " (README.md, \"Convert from your own code\", lists them)");
    }
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, OptionalDependencies.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
