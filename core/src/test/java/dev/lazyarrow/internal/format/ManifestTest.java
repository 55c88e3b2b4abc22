package dev.lazyarrow.internal.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fifos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** A valid manifest of one split of 3000 rows in which {@code %s} stands for one value. */
  private static String manifestWith(String field, String value) {
    String version = field.equals("version") ? value : "1";
    String rows = field.equals("rows") ? value : "3000";
    String shardRows = field.equals("shardRows") ? value : "3000";
    String features = field.equals("features") ? value : "null";
    return ("{\"format\": \"lazyarrow\", \"version\": %s, \"writer\": \"t\", \"source\":"
            + " {\"layout\": \"save_to_disk\", \"path\": \"/s\", \"fingerprint\": \"f\"},"
            + " \"splits\": [{\"name\": \"train\", \"rows\": %s, \"features\": %s, \"shards\":"
            + " [{\"path\": \"train/part-00000.arrow\", \"rows\": %s, \"bytes\": 10}]}]}")
        .formatted(version, rows, features, shardRows);
  }

  @Test
  void read_strictManifestOfEveryValidField_isRead() throws IOException {
    writeRaw(manifestWith("", ""));
    assertEquals(3000, Manifest.read(dir).splits().get(0).rows());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"1\"", "1.5", "true", "1.0", "null", "[1]"})
  void read_versionNotAJsonInteger_isRefused(String version) throws IOException {
    writeRaw(manifestWith("version", version));
    assertRefused("unsupported format version " + version + ";");
  }

  @Test
  void read_rowCountBeyondLong_isRefusedNotWrapped() throws IOException {
    writeRaw(manifestWith("rows", "18446744073709554616")); // 2^64 + 3000
    assertRefused(
        "field 'rows' must be a JSON integer from 0 to 9223372036854775807,"
            + " found 18446744073709554616");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"3000\"", "3000.0", "true", "-1"})
  void read_shardRowsNotANonNegativeJsonInteger_isRefused(String rows) throws IOException {
    writeRaw(manifestWith("shardRows", rows));
    assertRefused(
        "field 'rows' must be a JSON integer from 0 to 9223372036854775807, found " + rows);
  }

  @Test
  void read_trailingContent_isRefused() throws IOException {
    writeRaw(manifestWith("", "") + " {\"format\": \"lazyarrow\"}");
    assertRefused("manifest is not valid JSON: Trailing token");
  }

  @Test
  void read_duplicateKey_isRefused() throws IOException {
    writeRaw(manifestWith("", "").replace("\"writer\": \"t\"", "\"version\": 2"));
    assertRefused("Duplicate field 'version'");
  }

  @Test
  void read_shardRowsOverflowingTheirSum_isRefused() throws IOException {
    writeRaw(
        """
        {"format": "lazyarrow", "version": 1, "splits": [{"name": "train", "rows": 3000,
         "shards": [{"path": "train/part-00000.arrow", "rows": 9223372036854775807, "bytes": 1},
                    {"path": "train/part-00001.arrow", "rows": 3001, "bytes": 1}]}]}""");
    assertRefused("the rows of split 'train' add up to more than 9223372036854775807");
  }

  @Test
  void read_badClassLabel_isRefusedAsBadData() throws IOException {
    writeRaw(
        manifestWith("features", "{\"label\": {\"_type\": \"ClassLabel\", \"names\": \"neg\"}}"));
    assertRefused("the features of split 'train' are invalid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "a/b", "", "tab\\tname"})
  void read_splitNameNotPlain_isRefused(String name) throws IOException {
    writeRaw(manifestWith("", "").replace("\"name\": \"train\"", "\"name\": \"" + name + "\""));
    assertRefused("is not a plain name");
  }

  @Test
  void read_fifoInPlaceOfTheManifest_isRefusedWithoutWaiting() throws Exception {
    Fifos.make(dir.resolve(Manifest.FILE_NAME));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertRefused("not a regular file"));
  }

  @Test
  void read_manifestLinkedFromOutside_isRefused() throws IOException {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("m.json"), manifestWith("", ""));
    Path ds = Files.createDirectory(dir.resolve("ds"));
    Files.createSymbolicLink(ds.resolve(Manifest.FILE_NAME), elsewhere.resolve("m.json"));
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Manifest.read(ds));
    assertTrue(e.getMessage().contains("is reached through a symbolic link"), e.getMessage());
  }

  @Test
  void write_plantedLinkAtTheTemporaryName_isNotFollowed() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "keep");
    Path ds = Files.createDirectory(dir.resolve("ds"));
    Files.createSymbolicLink(ds.resolve(Manifest.FILE_NAME + ".tmp"), victim);
    manifest(List.of(split("train", 0, new Manifest.Shard("train/part-00000.arrow", 0, 1))))
        .write(ds);
    assertEquals("keep", Files.readString(victim));
    assertEquals("train", Manifest.read(ds).splits().get(0).name());
  }
}
