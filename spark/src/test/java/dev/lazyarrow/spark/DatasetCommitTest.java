package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write protocol: failed tasks and jobs, retries, append, overwrite, splits and labels. */
class DatasetCommitTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.start();
    // Throws at id 15000 on a task's first attempt only: the retried attempt succeeds.
    spark
        .udf()
        .register(
            "fail_at_15000",
            (UDF1<Long, Long>)
                id -> {
                  if (id == 15000 && TaskContext.get().attemptNumber() == 0) {
                    throw new IllegalStateException("task made to fail at id 15000");
                  }
                  return id;
                },
            DataTypes.LongType);
  }

  /** Ids {@code [from, to)} in two partitions, with a text of about 100 bytes each. */
  private static Dataset<Row> ids(long from, long to) {
    return spark.range(from, to, 1, 2).selectExpr("id", "repeat('x', 100) AS text");
  }

  /** Writes {@code df} over {@code out} in batches of 16 KiB and shards of 64 KiB. */
  private static void overwriteInSmallShards(Dataset<Row> df, Path out) {
    df.write()
        .format("lazyarrow")
        .mode("overwrite")
        .option("batchBytes", 16 << 10)
        .option("shardBytes", 64 << 10)
        .save(out.toString());
  }

  private static Set<String> shardFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".arrow"))
          .map(p -> dir.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> listed(Path dir) {
    return Manifest.read(dir).splits().stream()
        .flatMap(s -> s.shards().stream())
        .map(Manifest.Shard::path)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<Long> idsOf(Split split) {
    return StreamSupport.stream(split.spliterator(), false).map(r -> r.getLong("id")).toList();
  }

  @Test
  void write_taskFailsMidWrite_leavesNoManifestAndNoShard() throws IOException {
    Path out = tmp.resolve("failed");
    Dataset<Row> df =
        ids(0, 20000)
            .selectExpr(
                "id", "text", "IF(id = 15000, CAST(raise_error('boom') AS BIGINT), id) AS v");
    Exception e = assertThrows(Exception.class, () -> overwriteInSmallShards(df, out));
    assertTrue(e.getMessage().contains("boom"), e.getMessage());
    assertFalse(Files.exists(out), "the job created the folder and its abort removed it");
  }

  @Test
  void write_failedJobOnExistingDataset_leavesItAsItWas() throws IOException {
    Path out = tmp.resolve("kept");
    ids(0, 100).write().format("lazyarrow").mode("overwrite").save(out.toString());
    Set<String> before = shardFiles(out);
    String manifest = Files.readString(out.resolve(Manifest.FILE_NAME));
    Dataset<Row> df =
        ids(10000, 20000)
            .selectExpr("id", "IF(id = 15000, CAST(raise_error('boom') AS STRING), text) AS text");
    assertThrows(Exception.class, () -> overwriteInSmallShards(df, out));
    assertEquals(manifest, Files.readString(out.resolve(Manifest.FILE_NAME)));
    assertEquals(before, shardFiles(out));
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of("lazyarrow.json", "train"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void write_failedAttemptRetried_keepsOnlyTheCommittedShards() throws IOException {
    Path out = tmp.resolve("retried");
    overwriteInSmallShards(ids(0, 20000).selectExpr("fail_at_15000(id) AS id", "text"), out);
    assertEquals(listed(out), shardFiles(out), "every shard on disk is in the manifest");
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split train = ds.split("train");
      assertTrue(train.shardCount() > 4);
      assertEquals(LongStream.range(0, 20000).boxed().toList(), idsOf(train));
      ds.verify();
    }
  }

  @Test
  void write_appendAndOverwrite_addSplitsRowsAndReplaceTheDataset() throws IOException {
    String out = tmp.resolve("modes").toString();
    ids(0, 100).write().format("lazyarrow").mode("overwrite").save(out);
    ids(100, 150).write().format("lazyarrow").mode("append").option("split", "test").save(out);
    ids(200, 210).write().format("lazyarrow").mode("append").save(out);
    try (LazyDataset ds = LazyDataset.open(Path.of(out))) {
      assertEquals(List.of("train", "test"), ds.splits().stream().map(Split::name).toList());
      assertEquals(110, ds.split("train").size());
      assertEquals(209L, idsOf(ds.split("train")).get(109));
      assertEquals(50, ds.split("test").size());
    }
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () -> spark.range(3).write().format("lazyarrow").mode("append").save(out));
    assertTrue(e.getMessage().startsWith("cannot append to split 'train'"), e.getMessage());
    ids(0, 7).write().format("lazyarrow").mode("overwrite").save(out);
    assertEquals(listed(Path.of(out)), shardFiles(Path.of(out)), "the old shards are deleted");
    try (LazyDataset ds = LazyDataset.open(Path.of(out))) {
      assertEquals(List.of("train"), ds.splits().stream().map(Split::name).toList());
      assertEquals(7, ds.split("train").size());
    }
  }

  @Test
  void write_splitColumnAndLabelNames_makeSplitsAndClassLabels() {
    Path out = tmp.resolve("labelled");
    spark
        .range(0, 40, 1, 3)
        .selectExpr(
            "IF(id % 4 = 0, 'test', 'train') AS split",
            "CAST(id AS STRING) AS text", "id % 2 AS label", "array(id % 3, 2) AS topics")
        .write()
        .format("lazyarrow")
        .mode("overwrite")
        .option("splitColumn", "split")
        .option("classLabel.label", "even,odd")
        .option("classLabel.topics", "a, b, c")
        .save(out.toString());
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(List.of("test", "train"), ds.splits().stream().map(Split::name).toList());
      Split test = ds.split("test");
      assertEquals(10, test.size());
      assertEquals(List.of("text", "label", "topics"), test.columnNames());
      assertEquals("4", test.get(1).getString("text"));
      assertEquals("even", test.get(1).labelName("label"));
      assertEquals(List.of("b", "c"), ds.split("train").get(0).labelNames("topics"));
    }
    assertEquals(
        30, spark.read().format("lazyarrow").option("split", "train").load(out.toString()).count());
  }

  /** Returns the error of an append of three rows with option {@code key} set to {@code value}. */
  private static String refused(String out, String key, String value) {
    return assertThrows(
            IllegalArgumentException.class,
            () -> ids(0, 3).write().format("lazyarrow").mode("append").option(key, value).save(out))
        .getMessage();
  }

  @Test
  void write_badOptions_sayWhatIsExpected() {
    String out = tmp.resolve("bad").toString();
    assertEquals(
        "shardBytes must be a positive number of bytes, found 0", refused(out, "shardBytes", "0"));
    assertEquals(
        "split name must match [A-Za-z0-9_.-]+, found 'a/b'", refused(out, "split", "a/b"));
    assertEquals("compression must be none or zstd, found lz4", refused(out, "compression", "lz4"));
    assertFalse(Files.exists(Path.of(out)));
  }
}
