package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer of a dataset at a time: the lock file its driver holds while its job runs. */
class DatasetLockTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.start();
  }

  private static Dataset<Row> ids(long from, long to) {
    return spark.range(from, to, 1, 2).toDF("id");
  }

  private static void append(Dataset<Row> df, Path out) {
    df.write().format("lazyarrow").mode("append").save(out.toString());
  }

  /** Returns the error of an append to {@code out}, which must be refused by its lock. */
  private static String refused(Path out) {
    return assertThrows(ConcurrentModificationException.class, () -> append(ids(0, 3), out))
        .getMessage();
  }

  @Test
  void write_whileAnotherJobRuns_isRefusedNamingTheHolderAndGoesOnceItEnds() throws IOException {
    Path out = tmp.resolve("held");
    append(ids(0, 10), out);
    Map<String, String> before = SaveModeTest.snapshot(out);
    // A job that has started (its driver asked for the task writers) and not ended.
    StructType schema = ids(0, 1).schema();
    String queryId = UUID.randomUUID().toString();
    DatasetCommit running =
        new DatasetCommit(
            WriteSpec.of(new CaseInsensitiveStringMap(Map.of("path", out.toString())), schema),
            schema,
            queryId,
            false);
    running.createBatchWriterFactory(() -> 2);

    String error = refused(out);
    Path lock = out.resolve(DatasetLock.FILE_NAME);
    String start = "the dataset " + out + " is being written by another job: its lock file " + lock;
    assertTrue(error.startsWith(start + " names 'query " + queryId + " on "), error);
    assertTrue(error.contains(", process " + ProcessHandle.current().pid() + ", since "), error);
    assertTrue(error.endsWith("'; delete that file if that job is no longer running"), error);

    running.abort(new WriterCommitMessage[0]);
    assertEquals(before, SaveModeTest.snapshot(out), "the refused write left nothing");
    append(ids(10, 20), out);
    assertFalse(Files.exists(lock), "a write releases the lock when it commits");
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(20, ds.split("train").size());
    }
  }

  @Test
  void write_lockFileOfUnprintableBytes_isQuotedPrintableAndShort() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("garbled"));
    byte[] garbage =
        ("job\u001b[2J\nnext\u00ff" + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);
    Files.write(out.resolve(DatasetLock.FILE_NAME), garbage);
    String error = refused(out);
    // 14 bytes before the x: the escape, the newline and each of the two bytes of \u00ff are one ?
    assertTrue(
        error.contains(" names 'job?[2J?next??" + "x".repeat(512 - 14) + "'; delete"), error);
    try (Stream<Path> files = Files.list(out)) {
      assertEquals(
          List.of(DatasetLock.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void write_lockFileThatIsAFifo_isRefusedWithoutWaiting()
      throws IOException, InterruptedException {
    Path out = Files.createDirectories(tmp.resolve("fifo"));
    Process mkfifo =
        new ProcessBuilder("mkfifo", out.resolve(DatasetLock.FILE_NAME).toString()).start();
    assertEquals(0, mkfifo.waitFor());
    assertTrue(refused(out).contains(" names nobody (it is not a regular file); delete"));
  }
}
