package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LazyDatasetTest {
  @TempDir Path tmp;

  private Path convert(String fixture, long batchBytes, Converter.Compression compression)
      throws IOException {
    Path out = tmp.resolve(fixture + "-" + compression);
    Converter.newBuilder()
        .batchBytes(batchBytes)
        .compression(compression)
        .build()
        .convert(Fixtures.path("hf/" + fixture), out);
    return out;
  }

  private static List<Path> shards(Path dataset) throws IOException {
    try (Stream<Path> files = Files.walk(dataset)) {
      return files.filter(p -> p.toString().endsWith(".arrow")).sorted().toList();
    }
  }

  @Test
  void open_shardsUnreadable_readsOnlyTheManifest() throws IOException {
    Path ds = Fixtures.convert("save_dict", tmp.resolve("dict"));
    for (Path shard : shards(ds)) {
      Files.write(shard, new byte[(int) Files.size(shard)]); // same size, no magic, no footer
    }
    try (LazyDataset dataset = LazyDataset.open(ds)) {
      assertEquals(
          List.of("train", "validation", "test"),
          dataset.splits().stream().map(Split::name).toList());
      assertEquals(3000, dataset.split("train").size());
      assertEquals(0, dataset.cacheStats().misses());
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> dataset.split("train").get(0));
      assertTrue(e.getMessage().contains("part-00000.arrow"), e.getMessage());
      assertTrue(e.getMessage().contains("wrong magic"), e.getMessage());
    }
  }

  @Test
  void open_missingManifest_namesTheFile() {
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> LazyDataset.open(tmp));
    assertTrue(e.getMessage().startsWith(tmp.resolve("lazyarrow.json").toString()), e.getMessage());
  }

  @Test
  void split_unknownName_listsTheSplits() throws IOException {
    try (LazyDataset ds = LazyDataset.open(Fixtures.convert("save_dict", tmp.resolve("d")))) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ds.split("dev"));
      assertEquals("no split 'dev'; splits are [train, validation, test]", e.getMessage());
    }
  }

  @Test
  void close_afterEveryKindOfRead_allocatorHoldsZeroBytes() throws IOException {
    Path plain = convert("save_single", 16 << 10, Converter.Compression.NONE);
    Path zstd = convert("save_single", 16 << 10, Converter.Compression.ZSTD);
    try (RootAllocator parent = new RootAllocator()) {
      for (Path path : List.of(plain, zstd)) {
        LazyDataset ds =
            LazyDataset.newBuilder().allocator(parent).maximumCacheBytes(64 << 10).open(path);
        Split train = ds.split("train");
        train.get(5);
        train.take(2000, 3, 1999);
        for (Row ignored : train) {
          assertTrue(parent.getAllocatedMemory() > 0);
        }
        Iterator<Batch> batches = train.batches();
        Batch held = batches.next(); // left open on purpose: close() must free it anyway
        assertTrue(held.size() > 0);
        Iterator<Row> abandoned = train.iterator();
        abandoned.next();
        ds.close();
        assertEquals(0, parent.getAllocatedMemory(), path.toString());
      }
    }
  }

  /** What a reader thread repeats, with a random of its own seed, until it ends or throws. */
  private interface ReadLoop {
    void run(java.util.Random random) throws Exception;
  }

  /** Starts four reader threads running {@code loop}; what ends one early goes to {@code ends}. */
  private static List<Thread> startReaders(ReadLoop loop, List<Throwable> ends) {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      long seed = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  loop.run(new java.util.Random(seed));
                } catch (Throwable e) {
                  ends.add(e);
                }
              });
      thread.start();
      threads.add(thread);
    }
    return threads;
  }

  @Test
  void close_whileThreadsLoadBatches_waitsForThemAndLeaksNothing() throws Exception {
    Path zstd = convert("save_small_batches", 2048, Converter.Compression.ZSTD);
    for (int round = 0; round < 10; round++) {
      try (RootAllocator parent = new RootAllocator()) {
        // No cache: every read loads (and decompresses) its batch in allocator memory.
        LazyDataset ds = LazyDataset.newBuilder().allocator(parent).maximumCacheBytes(0).open(zstd);
        Split train = ds.split("train");
        train.get(0);
        List<Throwable> endings = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads =
            startReaders(
                random -> {
                  while (true) {
                    train.take(random.nextInt(5000), random.nextInt(5000));
                  }
                },
                endings);
        Thread.sleep(20 + 10 * round);
        ds.close(); // must neither throw "Memory was leaked" nor free what a read still uses
        for (Thread thread : threads) {
          thread.join();
        }
        assertEquals(4, endings.size());
        for (Throwable e : endings) {
          assertEquals(IllegalStateException.class, e.getClass(), e.toString());
          assertEquals("the dataset is closed", e.getMessage());
        }
        assertEquals(0, parent.getAllocatedMemory());
      }
    }
  }

  @Test
  void get_manyThreadsThroughCacheOfTwoBatches_valuesStayCorrect() throws Exception {
    for (Converter.Compression compression : Converter.Compression.values()) {
      Path path = convert("save_small_batches", 2048, compression);
      long batchWeight;
      try (LazyDataset probe = LazyDataset.open(path)) {
        probe.split("train").get(0);
        batchWeight = probe.cacheStats().loadedBytes();
      }
      try (RootAllocator parent = new RootAllocator()) {
        try (LazyDataset ds =
            LazyDataset.newBuilder()
                .allocator(parent)
                .maximumCacheBytes(2 * batchWeight)
                .open(path)) {
          Split train = ds.split("train");
          long deadline = System.nanoTime() + 1_500_000_000L;
          List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
          List<Thread> threads =
              startReaders(
                  random -> {
                    while (System.nanoTime() < deadline) {
                      long i = random.nextInt((int) train.size());
                      assertEquals(i, train.get(i).getLong("x"));
                    }
                  },
                  failures);
          for (Thread thread : threads) {
            thread.join();
          }
          assertEquals(List.of(), failures);
          CacheStats stats = ds.cacheStats();
          assertTrue(stats.evictions() > 100, stats.toString());
          assertTrue(stats.residentBytes() <= 2 * batchWeight, stats.toString());
        }
        assertEquals(0, parent.getAllocatedMemory());
      }
    }
  }

  @Test
  void get_shardTruncatedWhileOpen_throwsNamingTheShard() throws IOException {
    Path path = convert("save_single", 16 << 10, Converter.Compression.NONE);
    Path shard = shards(path).get(0);
    try (LazyDataset ds = LazyDataset.open(path)) {
      Split train = ds.split("train");
      long last = train.size() - 1;
      assertEquals(last, train.get(last).getLong("id"));
      try (var channel =
          java.nio.channels.FileChannel.open(shard, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(Files.size(shard) / 2);
      }
      // A batch not loaded yet: the size check on load catches it before anything is mapped.
      LazyArrowException notLoaded =
          assertThrows(LazyArrowException.class, () -> train.get(last - 600));
      assertEquals(shard, notLoaded.file());
      assertTrue(
          notLoaded.getMessage().contains("changed under the reader"), notLoaded.getMessage());
      // A batch already cached whose pages are gone: the JVM's fault turns into an exception.
      LazyArrowException cached = assertThrows(LazyArrowException.class, () -> train.get(last));
      assertEquals(shard, cached.file());
      assertTrue(cached.getCause() instanceof InternalError, String.valueOf(cached.getCause()));
    }
  }

  @Test
  void rowAccessors_saveSingleRowOne_matchDatasetsValues() throws IOException {
    try (LazyDataset ds = LazyDataset.open(Fixtures.convert("save_single", tmp.resolve("s")))) {
      Split train = ds.split("train");
      Row row = train.get(1);
      assertEquals(1, row.index());
      assertEquals(1L, row.getLong("id"));
      assertEquals("11400714819323198485", Long.toUnsignedString(row.getLong("u64")));
      assertEquals(2654435761L, row.getLong("u32"));
      assertEquals(0.1428571492433548, row.getFloat("f32"), 0.0);
      assertEquals(0.25f, row.getFloat("f16"));
      assertEquals("sadness", row.labelName("label"));
      assertEquals(List.of("sadness", "surprise"), row.labelNames("labels"));
      assertArrayEquals(new int[] {13}, row.getIntArray("input_ids"));
      assertArrayEquals(new long[] {1, -1}, row.getLongArray("big_list"));
      assertArrayEquals(new float[] {1.0f, 1.5f, 2.0f, 2.5f}, row.getFloatArray("fixed"));
      assertArrayEquals(new byte[] {1}, row.getBytes("blob"));
      assertEquals(1700000001000L, row.getLong("when"));
      assertEquals(19001, row.getInt("day"));
      assertEquals(
          Map.of("source", "src1", "weight", 0.5, "tags", List.of("t1")), row.getStruct("meta"));
      assertEquals(List.of(List.of((short) 0, (short) 0)), row.getList("nested"));
      assertEquals("v1", row.getString("maybe"));
      assertNull(train.get(0).getString("maybe"));
      assertTrue(train.get(0).isNull("maybe"));
      assertEquals(row.getLong(0), row.getLong("id"));
      assertEquals(Feature.Kind.CLASS_LABEL, train.features().get("label").kind());
      NullPointerException npe =
          assertThrows(NullPointerException.class, () -> train.get(0).getLong("maybe"));
      assertEquals("column 'maybe' of row 0 is null", npe.getMessage());
      IllegalStateException wrong =
          assertThrows(IllegalStateException.class, () -> row.getLong("text"));
      assertEquals("column 'text' holds String, not an integer", wrong.getMessage());
      IllegalArgumentException missing =
          assertThrows(IllegalArgumentException.class, () -> row.get("nope"));
      assertTrue(missing.getMessage().startsWith("no column 'nope'; columns are [id, text"));
    }
  }

  @Test
  void iterationAndTake_agreeWithGet() throws IOException {
    Path path = convert("save_small_batches", 4096, Converter.Compression.NONE);
    try (LazyDataset ds = LazyDataset.open(path)) {
      Split train = ds.split("train");
      long expected = 0;
      for (Row row : train) {
        assertEquals(expected, row.index());
        assertEquals(expected, row.getLong("x"));
        expected++;
      }
      assertEquals(train.size(), expected);
      List<Row> taken = train.take(4999, 0, 17, 17, 2500);
      assertEquals(
          List.of(4999L, 0L, 17L, 17L, 2500L), taken.stream().map(r -> r.getLong("x")).toList());
      long next = 0;
      for (Iterator<Batch> it = train.batches(); it.hasNext(); ) {
        try (Batch batch = it.next()) {
          assertEquals(next, batch.firstRow());
          assertTrue(batch.size() > 0);
          assertEquals(next, batch.row(0).getLong("x"));
          next += batch.size();
        }
      }
      assertEquals(train.size(), next);
      assertThrows(IndexOutOfBoundsException.class, () -> train.get(5000));
      assertThrows(IndexOutOfBoundsException.class, () -> train.take(1, -1));
    }
  }

  @Test
  void batchStarts_severalShards_matchTheBatchesIterated() throws IOException {
    Path out = tmp.resolve("shards");
    Converter.newBuilder()
        .batchBytes(16 << 10)
        .shardBytes(100 << 10)
        .build()
        .convert(Fixtures.path("hf/save_single"), out);
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split train = ds.split("train");
      assertTrue(train.shardCount() > 5);
      List<Long> iterated = new ArrayList<>();
      for (Iterator<Batch> it = train.batches(); it.hasNext(); ) {
        try (Batch batch = it.next()) {
          iterated.add(batch.firstRow());
        }
      }
      iterated.add(train.size());
      assertEquals(iterated, Arrays.stream(train.batchStarts()).boxed().toList());
    }
  }

  @Test
  void batch_uncompressedShard_pointsIntoTheFileMapping() throws IOException {
    Path path = convert("save_small_batches", 8192, Converter.Compression.NONE);
    try (LazyDataset ds = LazyDataset.open(path)) {
      Iterator<Batch> it = ds.split("train").batches();
      try (Batch batch = it.next()) {
        long address = batch.root().getVector("x").getDataBuffer().memoryAddress();
        String shard = shards(path).get(0).toRealPath().toString();
        boolean inMapping = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
          if (line.endsWith(shard)) {
            String[] range = line.substring(0, line.indexOf(' ')).split("-");
            long from = Long.parseUnsignedLong(range[0], 16);
            long to = Long.parseUnsignedLong(range[1], 16);
            inMapping |= address >= from && address < to;
          }
        }
        assertTrue(inMapping, "the vector's data must live in the shard's mapping, not a copy");
      }
    }
  }

  @Test
  void builder_optionSetTwice_isRefused() {
    LazyDataset.Builder builder = LazyDataset.newBuilder().maximumCacheBytes(10);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> builder.maximumCacheBytes(20));
    assertEquals("maximum cache bytes was already set to 10", e.getMessage());
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class, () -> LazyDataset.newBuilder().maximumCacheBytes(-1));
    assertEquals("maximum cache bytes must not be negative: -1", negative.getMessage());
  }
}
