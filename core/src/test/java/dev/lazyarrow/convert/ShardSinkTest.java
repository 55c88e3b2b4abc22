package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.internal.convert.ShardSink;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardSinkTest {
  private static final Schema SCHEMA =
      new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

  @TempDir Path tmp;

  /** Writes ids 0..rows-1 in batches of 100 through a sink with small shards. */
  private List<Manifest.Shard> writeIds(BufferAllocator allocator, int rows) throws IOException {
    try (ShardSink sink =
            ShardSink.open(
                tmp, "train", SCHEMA, allocator, 1 << 10, 4 << 10, Converter.Compression.NONE.codec());
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      BigIntVector ids = (BigIntVector) root.getVector("id");
      for (int start = 0; start < rows; start += 100) {
        int n = Math.min(100, rows - start);
        ids.allocateNew(n);
        for (int i = 0; i < n; i++) {
          ids.set(i, start + i);
        }
        root.setRowCount(n);
        sink.write(root);
      }
      return sink.finish();
    }
  }

  /** Writes ids 0..rows-1 as split train of a dataset in {@code tmp}; returns its shards. */
  private List<Manifest.Shard> writeDataset(int rows) throws IOException {
    List<Manifest.Shard> shards;
    try (BufferAllocator allocator = new RootAllocator()) {
      shards = writeIds(allocator, rows);
    }
    new Manifest(
            "test",
            new Manifest.Source("test", "", ""),
            List.of(new Manifest.SplitEntry("train", rows, null, shards)))
        .write(tmp);
    return shards;
  }

  @Test
  void finish_shardsAndManifest_openAsADataset() throws IOException {
    List<Manifest.Shard> shards = writeDataset(2000);
    try (LazyDataset ds = LazyDataset.open(tmp)) {
      Split train = ds.split("train");
      assertEquals(2000, train.size());
      assertEquals(shards.size(), train.shardCount());
      List<Long> ids = new ArrayList<>();
      for (var row : train) {
        ids.add(row.getLong("id"));
      }
      assertEquals(1999L, ids.get(1999));
      assertEquals(2000, ids.stream().distinct().count());
      ds.verify();
    }
  }

  @Test
  void batches_shardRange_readsOnlyThoseShards() throws IOException {
    List<Manifest.Shard> shards = writeDataset(2000);
    try (LazyDataset ds = LazyDataset.open(tmp)) {
      Split train = ds.split("train");
      long first = shards.get(0).rows();
      long rows = 0;
      Iterator<Batch> it = train.batches(1, 2);
      while (it.hasNext()) {
        try (Batch b = it.next()) {
          if (rows == 0) {
            assertEquals(first, b.firstRow());
            assertEquals(first, ((BigIntVector) b.root().getVector("id")).get(0));
          }
          rows += b.size();
        }
      }
      assertEquals(shards.get(1).rows(), rows);
      assertThrows(IndexOutOfBoundsException.class, () -> train.batches(0, shards.size() + 1));
    }
  }

  @Test
  void finish_lastBatchFillsTheShard_addsNoEmptyShard() throws IOException {
    List<Manifest.Shard> shards;
    try (BufferAllocator allocator = new RootAllocator()) {
      shards = writeIds(allocator, 2000);
    }
    assertTrue(shards.size() > 1);
    assertTrue(shards.stream().allMatch(s -> s.rows() > 0), shards.toString());
  }

  @Test
  void finish_noRows_writesOneEmptyShard() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Manifest.Shard> shards = writeIds(allocator, 0);
      assertEquals(1, shards.size());
      assertEquals(0, shards.get(0).rows());
    }
  }

  @Test
  void open_nonPositiveBatchBytes_isRefused() {
    try (BufferAllocator allocator = new RootAllocator()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ShardSink.open(
                      tmp, "train", SCHEMA, allocator, 0, 1, Converter.Compression.NONE.codec()));
      assertEquals("batch bytes must be positive: 0", e.getMessage());
    }
  }
}
