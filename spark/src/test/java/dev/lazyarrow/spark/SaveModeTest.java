package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The save modes errorifexists (Spark's default) and ignore, beside append and overwrite. */
class SaveModeTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.start();
  }

  private static Dataset<Row> ids(long from, long to) {
    return spark.range(from, to, 1, 2).selectExpr("id", "repeat('x', 10) AS text");
  }

  /** Rows whose evaluation fails: a write that runs its job cannot succeed with them. */
  private static Dataset<Row> unevaluable() {
    return ids(0, 10).selectExpr("id", "CAST(raise_error('the job ran') AS STRING) AS text");
  }

  /** Every file under {@code dir} by its relative path, with the SHA-256 of its bytes. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(), sha256(p));
      }
    }
    return files;
  }

  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> splitNames(Path dir) {
    try (LazyDataset ds = LazyDataset.open(dir)) {
      return ds.splits().stream().map(Split::name).toList();
    }
  }

  @Test
  void save_defaultModeOnFolderWithoutDataset_writesIt() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("new"));
    ids(0, 100).write().format("lazyarrow").option("split", "train").save(out.toString());
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(100, ds.split("train").size());
      assertEquals(99L, ds.split("train").get(99).getLong("id"));
      ds.verify();
    }
  }

  @Test
  void save_defaultModeOnExistingSplit_failsNamingPathAndSplitAndChangesNothing()
      throws IOException {
    Path out = tmp.resolve("taken");
    ids(0, 100).write().format("lazyarrow").save(out.toString());
    Map<String, String> before = snapshot(out);
    AnalysisException e =
        assertThrows(
            AnalysisException.class,
            () -> unevaluable().write().format("lazyarrow").save(out.toString()));
    assertEquals(ExistingSplits.CONDITION, e.getCondition());
    assertEquals("42K04", e.getSqlState());
    assertEquals(
        "[LAZYARROW_SPLIT_ALREADY_EXISTS] The LazyArrow dataset "
            + out
            + " already holds split 'train'. Set mode \"append\" to add the rows to it,"
            + " \"overwrite\" to replace the whole dataset, or \"ignore\" to skip the write."
            + " SQLSTATE: 42K04",
        e.getMessage());
    assertEquals(before, snapshot(out));
  }

  @Test
  void save_ignoreOnExistingSplit_runsNoJobAndChangesNothing() throws IOException {
    Path out = tmp.resolve("ignored");
    ids(0, 100).write().format("lazyarrow").save(out.toString());
    Map<String, String> before = snapshot(out);
    unevaluable().write().format("lazyarrow").mode("ignore").save(out.toString());
    assertEquals(before, snapshot(out));
  }

  @Test
  void save_defaultModeAndIgnoreOnOtherSplits_addTheSplit() throws IOException {
    Path out = tmp.resolve("added");
    ids(0, 100).write().format("lazyarrow").save(out.toString());
    Map<String, String> train = snapshot(out.resolve("train"));
    ids(100, 130).write().format("lazyarrow").option("split", "test").save(out.toString());
    ids(130, 140)
        .write()
        .format("lazyarrow")
        .mode("ignore")
        .option("split", "dev")
        .save(out.toString());
    assertEquals(List.of("train", "test", "dev"), splitNames(out));
    assertEquals(train, snapshot(out.resolve("train")), "the other split's shards are untouched");
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(30, ds.split("test").size());
      assertEquals(130L, ds.split("dev").get(0).getLong("id"));
      ds.verify();
    }
  }

  @Test
  void save_splitColumnOnExistingDataset_takesTheDatasetAsExisting() throws IOException {
    Path out = tmp.resolve("bycolumn");
    ids(0, 10).write().format("lazyarrow").option("split", "old").save(out.toString());
    Map<String, String> before = snapshot(out);
    Dataset<Row> df = ids(0, 10).selectExpr("IF(id < 5, 'a', 'b') AS split", "id", "text");
    AnalysisException e =
        assertThrows(
            AnalysisException.class,
            () ->
                df.write().format("lazyarrow").option("splitColumn", "split").save(out.toString()));
    assertTrue(e.getMessage().contains("already holds split 'old'"), e.getMessage());
    df.write()
        .format("lazyarrow")
        .mode("ignore")
        .option("splitColumn", "split")
        .save(out.toString());
    assertEquals(before, snapshot(out));
  }

  @Test
  void save_partitionBy_isRefused() {
    String out = tmp.resolve("partitioned").toString();
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ids(0, 10).write().format("lazyarrow").partitionBy("id").save(out));
    assertTrue(e.getMessage().startsWith("lazyarrow writes no partition folders"), e.getMessage());
    assertFalse(Files.exists(Path.of(out)));
  }

  /**
   * Starts a write in {@code mode} of one split, {@code train}, on the driver, with no task run.
   */
  private static DatasetCommit started(Path out, String mode) {
    StructType schema = ids(0, 1).schema();
    CaseInsensitiveStringMap options =
        new CaseInsensitiveStringMap(Map.of("path", out.toString(), WriteSpec.SAVE_MODE, mode));
    return new DatasetCommit(
        WriteSpec.of(options, schema), schema, UUID.randomUUID().toString(), false);
  }

  @Test
  void commit_splitMadeMeanwhile_failsInDefaultModeAndIsDiscardedInIgnore() throws IOException {
    Path out = tmp.resolve("raced");
    DatasetCommit error = started(out, "ErrorIfExists");
    DatasetCommit ignore = started(out, "Ignore");
    ids(0, 10).write().format("lazyarrow").save(out.toString());
    Map<String, String> written = snapshot(out);

    WriterCommitMessage[] none = new WriterCommitMessage[0];
    AnalysisException e = assertThrows(AnalysisException.class, () -> error.commit(none));
    assertEquals(ExistingSplits.CONDITION, e.getCondition());
    error.abort(none);
    ignore.commit(none);
    assertEquals(written, snapshot(out), "neither write left a file or changed one");
  }

  @Test
  void commit_splitOfAnotherSchemaCopiedInMeanwhile_isRefusedLeavingNoFile() throws IOException {
    Path out = tmp.resolve("copied");
    DatasetCommit append = started(out, "Append");
    append.createBatchWriterFactory(() -> 1);
    // A writer that takes no lock: a dataset of another schema copied in by hand.
    Path other = tmp.resolve("other");
    spark.range(3).write().format("lazyarrow").save(other.toString());
    try (Stream<Path> files = Files.walk(other)) {
      for (Path p : files.toList()) {
        Path target = out.resolve(other.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }

    WriterCommitMessage[] none = new WriterCommitMessage[0];
    Exception e = assertThrows(IllegalArgumentException.class, () -> append.commit(none));
    assertTrue(e.getMessage().startsWith("cannot append to split 'train'"), e.getMessage());
    append.abort(none);
    assertEquals(snapshot(other), snapshot(out), "the refused commit moved no shard in");
  }
}
