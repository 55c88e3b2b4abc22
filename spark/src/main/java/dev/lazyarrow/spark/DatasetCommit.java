package dev.lazyarrow.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.internal.convert.ShardSink;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;

/**
 * One write of a DataFrame into a dataset, on the driver: tasks write shards into a staging folder
 * inside the dataset directory; the commit moves the committed attempts' shards into their split
 * folders and then writes the manifest, atomically; an abort deletes the staging folder. The
 * dataset's {@link DatasetLock} is held from the job's start to the end of the commit or abort.
 *
 * <p>Append adds the rows to the dataset's splits (the existing ones keep their shards and
 * features; their schema must be the one written) and adds new splits. Overwrite (truncate)
 * replaces the whole dataset, as it replaces a Parquet folder: the old shards are deleted once the
 * new manifest is in place. A failed job leaves the dataset as it was. In the modes errorifexists
 * and ignore the commit looks at the dataset again ({@link ExistingSplits}): a split made by
 * another write meanwhile fails this one, or discards it.
 */
final class DatasetCommit implements BatchWrite {
  /** What the manifest records as the writer. */
  static final String WRITER = "lazyarrow-spark 0.1.0";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final WriteSpec spec;
  private final String queryId;
  private final boolean truncate;
  private final Path dir;
  private final Path staging;
  private final boolean createdDir;
  private final Schema rowSchema;
  private final Schema shardSchema;
  private final JsonNode features;
  private DatasetLock lock;

  DatasetCommit(WriteSpec spec, StructType schema, String queryId, boolean truncate) {
    this.spec = spec;
    this.queryId = queryId;
    this.truncate = truncate;
    this.dir = Paths.local(spec.path()).toAbsolutePath().normalize();
    this.rowSchema = SparkArrow.toArrow(schema, SQLConf.get().sessionLocalTimeZone(), Map.of());
    List<Field> stored = new ArrayList<>(rowSchema.getFields());
    if (spec.splitColumn() >= 0) {
      stored.remove(spec.splitColumn());
    }
    this.features = HfFeatures.of(new Schema(stored), spec.features(), spec.labels());
    Map<String, String> metadata = new LinkedHashMap<>();
    if (features != null) {
      ObjectNode hf = JSON.createObjectNode();
      hf.putObject("info").set("features", features);
      metadata.put("huggingface", hf.toString());
    }
    this.shardSchema = new Schema(stored, metadata);
    if (!truncate && spec.split() != null) {
      checkAppendable(ExistingSplits.read(dir), List.of(spec.split()));
    }
    this.createdDir = !Files.exists(dir);
    this.staging = dir.resolve(".lazyarrow-spark-" + queryId);
  }

  /** Takes the dataset's lock and makes the staging folder: the job starts. */
  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    // Not when the write is built: Spark calls abort only once it has asked for this factory.
    lock = DatasetLock.take(dir, queryId);
    try {
      Files.createDirectories(staging);
    } catch (IOException e) {
      abort(new WriterCommitMessage[0]);
      throw new UncheckedIOException("cannot create " + staging, e);
    }
    return new TaskWriterFactory(
        spec, rowSchema.serializeAsMessage(), shardSchema.serializeAsMessage(), staging.toString());
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    try {
      Manifest old = ExistingSplits.read(dir);
      List<String> found = ExistingSplits.in(old, spec);
      if (!found.isEmpty() && spec.mode() == SaveMode.ErrorIfExists) {
        // Another write made it while this one ran: Spark aborts this one.
        ExistingSplits.throwAlreadyExists(dir, found);
      }
      if (!found.isEmpty() && spec.mode() == SaveMode.Ignore) {
        abort(messages);
        return;
      }
      if (!truncate) {
        // Before any shard moves into the dataset, where a refused commit would leave it.
        checkAppendable(old, splitsWritten(messages));
      }
      Map<String, List<Manifest.Shard>> written = publishShards(messages);
      if (spec.split() != null && !written.containsKey(spec.split())) {
        written.put(spec.split(), emptyShard(spec.split()));
      }
      List<Manifest.SplitEntry> entries = new ArrayList<>();
      if (old != null && !truncate) {
        for (Manifest.SplitEntry e : old.splits()) {
          List<Manifest.Shard> shards = new ArrayList<>(e.shards());
          List<Manifest.Shard> added = written.remove(e.name());
          if (added != null) {
            shards.addAll(added);
          }
          entries.add(new Manifest.SplitEntry(e.name(), rows(shards), e.features(), shards));
        }
      }
      written.forEach(
          (name, shards) ->
              entries.add(new Manifest.SplitEntry(name, rows(shards), features, shards)));
      Manifest manifest = new Manifest(WRITER, new Manifest.Source("spark", "", queryId), entries);
      manifest.write(dir);
      Paths.delete(staging);
      if (old != null && truncate) {
        deleteUnlisted(old, manifest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot commit the dataset " + dir, e);
    } finally {
      unlock();
    }
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    try {
      deleteStaging();
    } finally {
      unlock();
    }
    if (createdDir) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // Not empty: something else was written there meanwhile, and it stays.
      }
    }
  }

  private void deleteStaging() {
    // Tasks of a failed job may still be running: the staging folder is first renamed away, so that
    // none can create a file in it while it is deleted (their paths no longer resolve).
    Path aborted = staging.resolveSibling(staging.getFileName() + ".aborted");
    try {
      Files.move(staging, aborted, StandardCopyOption.ATOMIC_MOVE);
      Paths.delete(aborted);
    } catch (NoSuchFileException e) {
      // Nothing is staged any more.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + staging + " aside", e);
    }
  }

  private void unlock() {
    if (lock != null) {
      lock.release();
    }
  }

  /** Returns the splits the commit adds to: those of the tasks' shards, and the one named. */
  private Set<String> splitsWritten(WriterCommitMessage[] messages) {
    Set<String> splits = new TreeSet<>();
    for (WriterCommitMessage m : messages) {
      ((TaskShards) m).shards().forEach(s -> splits.add(s.split()));
    }
    if (spec.split() != null) {
      splits.add(spec.split());
    }
    return splits;
  }

  /**
   * Moves the committed attempts' shards into their split folders, in partition order, and returns
   * them by split (new splits in name order).
   */
  private Map<String, List<Manifest.Shard>> publishShards(WriterCommitMessage[] messages)
      throws IOException {
    List<TaskShards> tasks =
        Arrays.stream(messages)
            .map(TaskShards.class::cast)
            .sorted(Comparator.comparingInt(TaskShards::partition))
            .toList();
    String job = queryId.replace("-", "").substring(0, 8);
    Map<String, List<Manifest.Shard>> bySplit = new TreeMap<>();
    for (TaskShards task : tasks) {
      int seq = 0;
      for (TaskShards.Shard s : task.shards()) {
        String path =
            String.format("%s/part-%s-%05d-%03d.arrow", s.split(), job, task.partition(), seq++);
        Path target = dir.resolve(path);
        Files.createDirectories(target.getParent());
        Files.move(staging.resolve(task.folder()).resolve(s.path()), target);
        bySplit
            .computeIfAbsent(s.split(), k -> new ArrayList<>())
            .add(new Manifest.Shard(path, s.rows(), s.bytes()));
      }
    }
    return new LinkedHashMap<>(bySplit);
  }

  /** Writes the one empty shard that a split without rows keeps, for its schema. */
  private List<Manifest.Shard> emptyShard(String split) throws IOException {
    Path folder = staging.resolve("empty");
    List<Manifest.Shard> shards;
    try (BufferAllocator allocator = new RootAllocator();
        ShardSink sink =
            ShardSink.open(
                folder, split, shardSchema, allocator, 1, spec.shardBytes(), spec.compression().codec())) {
      shards = sink.finish();
    }
    Manifest.Shard s = shards.get(0);
    String path = String.format("%s/part-%s-empty.arrow", split, queryId.substring(0, 8));
    Files.createDirectories(dir.resolve(split));
    Files.move(folder.resolve(s.path()), dir.resolve(path));
    return List.of(new Manifest.Shard(path, 0, s.bytes()));
  }

  /** Refuses to append rows to an existing split whose schema is not the one written. */
  private void checkAppendable(Manifest old, Iterable<String> splits) {
    if (old == null) {
      return;
    }
    Set<String> names = new HashSet<>();
    old.splits().forEach(e -> names.add(e.name()));
    try (LazyDataset ds = LazyDataset.open(dir)) {
      for (String split : splits) {
        if (names.contains(split)
            && !ds.split(split).schema().getFields().equals(shardSchema.getFields())) {
          throw new IllegalArgumentException(
              "cannot append to split '"
                  + split
                  + "' of "
                  + dir
                  + ": its schema "
                  + ds.split(split).schema().getFields()
                  + " is not the one written "
                  + shardSchema.getFields()
                  + "; write another split or use mode overwrite");
        }
      }
    }
  }

  private void deleteUnlisted(Manifest old, Manifest now) throws IOException {
    Set<String> kept = new HashSet<>();
    now.splits().forEach(e -> e.shards().forEach(s -> kept.add(s.path())));
    for (Manifest.SplitEntry e : old.splits()) {
      for (Manifest.Shard s : e.shards()) {
        if (!kept.contains(s.path())) {
          Files.deleteIfExists(
              Manifest.resolveInside(dir, s.path(), dir.resolve(Manifest.FILE_NAME)));
        }
      }
    }
  }

  private static long rows(List<Manifest.Shard> shards) {
    return shards.stream().mapToLong(Manifest.Shard::rows).sum();
  }
}
