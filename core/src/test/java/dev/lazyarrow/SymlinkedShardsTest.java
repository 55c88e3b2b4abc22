package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset whose shard or split folder is a link out of it is refused; the dataset may be one. */
class SymlinkedShardsTest {
  @TempDir Path tmp;

  @Test
  void get_shardSymlinkedOutsideTheDataset_isRefused() throws IOException {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Path shard = ds.resolve("train/part-00000.arrow");
    Path outside = Files.move(shard, tmp.resolve("outside.arrow"));
    Files.createSymbolicLink(shard, outside);
    try (LazyDataset opened = LazyDataset.open(ds)) {
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> opened.split("train").get(0));
      assertEquals(shard, e.file());
      assertTrue(e.getMessage().contains("is reached through a symbolic link"), e.getMessage());
    }
  }

  @Test
  void get_splitFolderSymlinkedOutsideTheDataset_isRefused() throws IOException {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Path outside = Files.move(ds.resolve("train"), tmp.resolve("elsewhere"));
    Files.createSymbolicLink(ds.resolve("train"), outside);
    try (LazyDataset opened = LazyDataset.open(ds)) {
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> opened.split("train").get(0));
      assertTrue(
          e.getMessage()
              .contains("resolves to " + outside.toRealPath().resolve("part-00000.arrow")),
          e.getMessage());
    }
  }

  @Test
  void open_datasetDirectoryThatIsALink_readsRows() throws IOException {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), ds);
    try (LazyDataset opened = LazyDataset.open(link)) {
      assertEquals(link, opened.path());
      Split train = opened.split("train");
      assertEquals(0L, train.get(0).getLong("id"));
      assertEquals(train.size() - 1, train.get(train.size() - 1).getLong("id"));
    }
  }
}
