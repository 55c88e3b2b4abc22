package dev.lazyarrow.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
  @TempDir Path dir;

  private static Manifest manifest(List<Manifest.SplitEntry> splits) {
    return new Manifest("test", new Manifest.Source("save_to_disk", "/src", "abc"), splits);
  }

  private static Manifest.SplitEntry split(String name, long rows, Manifest.Shard... shards) {
    return new Manifest.SplitEntry(name, rows, null, List.of(shards));
  }

  private void writeRaw(String json) throws IOException {
    Files.writeString(dir.resolve(Manifest.FILE_NAME), json);
  }

  private void assertRefused(String expected) {
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Manifest.read(dir));
    assertEquals(dir.resolve(Manifest.FILE_NAME), e.file());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void writeThenRead_roundTripsEveryField() throws IOException {
    var features =
        new ObjectMapper().readTree("{\"x\": {\"dtype\": \"int64\", \"_type\": \"Value\"}}");
    Manifest written =
        new Manifest(
            "lazyarrow test",
            new Manifest.Source("save_to_disk", "/src", "f1"),
            List.of(
                new Manifest.SplitEntry(
                    "train",
                    7,
                    features,
                    List.of(
                        new Manifest.Shard("train/part-00000.arrow", 3, 100),
                        new Manifest.Shard("train/part-00001.arrow", 4, 120))),
                split("test", 0, new Manifest.Shard("test/part-00000.arrow", 0, 50))));
    written.write(dir);
    assertTrue(Files.notExists(dir.resolve(Manifest.FILE_NAME + ".tmp")));
    Manifest read = Manifest.read(dir);
    assertEquals("lazyarrow test", read.writer());
    assertEquals(written.source(), read.source());
    assertEquals(written.splits(), read.splits());
    assertNull(read.splits().get(1).features());
  }

  @Test
  void read_notJson_namesTheManifest() throws IOException {
    writeRaw("{not json");
    assertRefused("manifest is not valid JSON");
  }

  @Test
  void read_otherFormat_isRefused() throws IOException {
    writeRaw("{\"format\": \"parquet\", \"version\": 1, \"splits\": []}");
    assertRefused("field 'format' must be \"lazyarrow\", found \"parquet\"");
  }

  @Test
  void read_newerVersion_isRefusedWithSupportedVersions() throws IOException {
    writeRaw("{\"format\": \"lazyarrow\", \"version\": 3, \"splits\": []}");
    assertRefused("unsupported format version 3; this reader supports 1 and 2");
  }

  @Test
  void read_shardPathOutsideDataset_isRefused() throws IOException {
    writeRaw(
        """
        {"format": "lazyarrow", "version": 1, "splits": [{"name": "train", "rows": 1,
         "shards": [{"path": "../elsewhere/part-00000.arrow", "rows": 1, "bytes": 10}]}]}""");
    assertRefused("shard path '../elsewhere/part-00000.arrow' must be relative and inside");
  }

  @Test
  void read_absoluteShardPath_isRefused() throws IOException {
    writeRaw(
        """
        {"format": "lazyarrow", "version": 1, "splits": [{"name": "train", "rows": 1,
         "shards": [{"path": "/etc/passwd", "rows": 1, "bytes": 10}]}]}""");
    assertRefused("shard path '/etc/passwd' must be relative and inside");
  }

  @Test
  void read_rowsDisagreeWithShards_isRefused() throws IOException {
    writeRaw(
        """
        {"format": "lazyarrow", "version": 1, "splits": [{"name": "train", "rows": 5,
         "shards": [{"path": "train/part-00000.arrow", "rows": 4, "bytes": 10}]}]}""");
    assertRefused("split 'train' says 5 rows but its shards hold 4");
  }

  @Test
  void read_duplicateSplit_isRefused() throws IOException {
    writeRaw(
        """
        {"format": "lazyarrow", "version": 1, "splits": [
         {"name": "a", "rows": 0, "shards": [{"path": "a/p.arrow", "rows": 0, "bytes": 1}]},
         {"name": "a", "rows": 0, "shards": [{"path": "a/q.arrow", "rows": 0, "bytes": 1}]}]}""");
    assertRefused("split 'a' is listed twice");
  }

  @Test
  void read_splitWithoutShards_isRefused() throws IOException {
    writeRaw(
        """
{"format": "lazyarrow", "version": 1, "splits": [{"name": "a", "rows": 0, "shards": []}]}""");
    assertRefused("split 'a' lists no shards");
  }

  @Test
  void write_inconsistentManifest_isRefusedBeforeWriting() {
    Manifest bad = manifest(List.of(split("train", 9, new Manifest.Shard("train/p.arrow", 1, 1))));
    assertThrows(LazyArrowException.class, () -> bad.write(dir));
    assertTrue(Files.notExists(dir.resolve(Manifest.FILE_NAME)));
  }
}
