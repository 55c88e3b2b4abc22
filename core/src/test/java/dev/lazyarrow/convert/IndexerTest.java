package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexerTest {
  @TempDir Path tmp;

  @Test
  void index_saveToDiskDict_servesStreamsInPlaceWithTheConvertedRows() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_dict"), tmp.resolve("src"));
    Converter.Result result = Indexer.index(source);
    assertEquals(
        List.of("train", "validation", "test"),
        result.splits().stream().map(Converter.SplitWritten::name).toList());
    Manifest manifest = Manifest.read(source);
    Manifest.Shard shard = manifest.splits().get(0).shards().get(0);
    assertEquals("train/data-00000-of-00003.arrow", shard.path());
    assertTrue(shard.stream() != null);
    assertTrue(Files.isRegularFile(source.resolve(Manifest.INDEX_FILE_NAME)));

    Path converted = Fixtures.convert("save_dict", tmp.resolve("converted"));
    try (LazyDataset indexed = LazyDataset.open(source);
        LazyDataset copy = LazyDataset.open(converted)) {
      Split a = indexed.split("train");
      Split b = copy.split("train");
      assertEquals(b.size(), a.size());
      for (long i = 0; i < a.size(); i += 37) {
        assertEquals(b.get(i).toMap(), a.get(i).toMap(), "row " + i);
      }
      assertEquals(0, indexed.split("test").size());
      indexed.verify();
    }
  }

  @Test
  void index_emptySplitWithoutFiles_isRefusedNamingTheSplit() {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_empty"), tmp.resolve("src"));
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Indexer.index(source));
    assertTrue(e.getMessage().contains("split 'train' has no data files"), e.getMessage());
    assertFalse(Files.exists(source.resolve(Manifest.FILE_NAME)));
  }

  @Test
  void index_cacheFolderAtDepth_opensAtTheTop() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/cache"), tmp.resolve("cache"));
    Indexer.index(source);
    try (LazyDataset ds = LazyDataset.open(source)) {
      Row row = ds.split("train").get(1);
      assertEquals(1L, row.get("id"));
      assertEquals(200, ds.split("test").size());
    }
  }

  @Test
  void get_streamTouchedAfterIndexing_isRefusedAsStale() throws IOException {
    Path source = indexedSingle();
    Path data = source.resolve("data-00000-of-00001.arrow");
    Files.setLastModifiedTime(
        data, FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() + 5_000));
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertTrue(e.getMessage().contains("changed since it was indexed"), e.getMessage());
      assertEquals(data, e.file());
    }
  }

  @Test
  void get_streamGrownAfterIndexing_isRefusedAsStale() throws IOException {
    Path source = indexedSingle();
    Path data = source.resolve("data-00000-of-00001.arrow");
    FileTime before = Files.getLastModifiedTime(data);
    Files.write(data, new byte[8], StandardOpenOption.APPEND);
    Files.setLastModifiedTime(data, before);
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertTrue(e.getMessage().contains("changed since it was indexed"), e.getMessage());
    }
  }

  @Test
  void get_indexSidecarMissing_isRefused() throws IOException {
    Path source = indexedSingle();
    Files.delete(source.resolve(Manifest.INDEX_FILE_NAME));
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertTrue(e.getMessage().contains("stream index is missing"), e.getMessage());
    }
  }

  @Test
  void get_indexSidecarOfAnotherRun_isRefused() throws IOException {
    Path source = indexedSingle();
    Path sidecar = source.resolve(Manifest.INDEX_FILE_NAME);
    byte[] bytes = Files.readAllBytes(sidecar);
    bytes[8] ^= 1; // the entry's recorded file size
    Files.write(sidecar, bytes);
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertTrue(e.getMessage().contains("does not match the manifest"), e.getMessage());
    }
  }

  @Test
  void index_again_afterChange_servesTheNewFile() throws IOException {
    Path source = indexedSingle();
    Path data = source.resolve("data-00000-of-00001.arrow");
    Files.setLastModifiedTime(data, FileTime.fromMillis(1_000_000));
    Indexer.index(source);
    try (LazyDataset ds = LazyDataset.open(source)) {
      assertEquals(2345, ds.split("train").size());
      ds.verify();
    }
  }

  @Test
  void convert_parquetWithoutTheParquetModule_namesTheModuleToAdd() {
    LazyArrowException folder =
        assertThrows(
            LazyArrowException.class,
            () ->
                Converter.newBuilder()
                    .build()
                    .convert(Fixtures.path("hf/hub_parquet"), tmp.resolve("out")));
    assertTrue(
        folder.getMessage().contains("needs the module dev.lazyarrow:lazyarrow-parquet"),
        folder.getMessage());
    LazyArrowException file =
        assertThrows(
            LazyArrowException.class,
            () ->
                Converter.newBuilder()
                    .build()
                    .convert(Fixtures.path("parquet/zstd.parquet"), tmp.resolve("out2")));
    assertTrue(file.getMessage().startsWith(Fixtures.path("parquet/zstd.parquet").toString()));
    assertTrue(
        file.getMessage().contains("Reading Parquet needs the module dev.lazyarrow:lazyarrow-parquet"),
        file.getMessage());
  }

  private Path indexedSingle() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("single"));
    Indexer.index(source);
    return source;
  }

  @Test
  void index_plantedLinksAtTemporaryNames_leaveTheVictimUntouched() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep");
    Files.createSymbolicLink(
        source.resolve(Manifest.INDEX_FILE_NAME + ".tmp"), Path.of("../victim.txt"));
    Files.createSymbolicLink(source.resolve(Manifest.FILE_NAME + ".tmp"), Path.of("../victim.txt"));
    Indexer.index(source);
    assertEquals("keep", Files.readString(victim));
    try (LazyDataset ds = LazyDataset.open(source)) {
      assertEquals(2345, ds.split("train").size());
      ds.verify();
    }
  }

  @Test
  void open_indexSidecarLinkedOutside_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    Indexer.index(source);
    Path index = source.resolve(Manifest.INDEX_FILE_NAME);
    Path outside = Files.move(index, tmp.resolve("elsewhere.index"));
    Files.createSymbolicLink(index, outside);
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertEquals(index, e.file());
      assertTrue(e.getMessage().contains("is reached through a symbolic link"), e.getMessage());
    }
  }
}
