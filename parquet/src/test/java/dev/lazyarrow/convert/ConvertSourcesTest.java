package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout detection, configs and bad input: each fault names its file and leaves no output. */
class ConvertSourcesTest {
  @TempDir Path tmp;

  private LazyArrowException refused(Path source) {
    Path out = tmp.resolve("out");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class, () -> Converter.newBuilder().build().convert(source, out));
    assertFalse(Files.exists(out), "no output after a failed conversion");
    try (Stream<Path> left = Files.list(tmp)) {
      assertTrue(
          left.noneMatch(p -> p.getFileName().toString().contains("lazyarrow-tmp")),
          "no temporary folder left behind");
    } catch (IOException io) {
      throw new AssertionError(io);
    }
    return e;
  }

  @Test
  void convert_unknownLayout_saysWhatWasLookedFor() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("nothing"));
    LazyArrowException e = refused(empty);
    assertTrue(
        e.getMessage().contains("unknown layout: looked for a save_to_disk folder"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Hub Parquet") && e.getMessage().contains(".jsonl"));
  }

  @Test
  void convert_jsonLinesInvalidLine_namesTheLine() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.jsonl"), "{\"a\": 1}\n{\"a\": 2\n{\"a\": 3}\n");
    LazyArrowException e = refused(file);
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains("line 2 is not valid JSON"), e.getMessage());
  }

  @Test
  void convert_jsonLinesNotAnObject_namesTheLine() throws IOException {
    Path file = Files.writeString(tmp.resolve("bad.jsonl"), "{\"a\": 1}\n\n[1, 2]\n");
    assertTrue(refused(file).getMessage().contains("line 3 is not a JSON object but array"));
  }

  @Test
  void convert_jsonLinesMixedTypes_namesLineAndColumn() throws IOException {
    Path file = Files.writeString(tmp.resolve("mixed.jsonl"), "{\"a\": 1}\n{\"a\": \"x\"}\n");
    String message = refused(file).getMessage();
    assertTrue(message.contains("line 2: column 'a' changed from number to string"), message);
  }

  @Test
  void convert_mixedSchemasAcrossShards_namesTheFile() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("hub/data"));
    Files.copy(
        Fixtures.path("hf/hub_parquet/data/train-00000-of-00002.parquet"),
        data.resolve("train-00000-of-00002.parquet"));
    Files.copy(
        Fixtures.path("parquet/snappy.parquet"), data.resolve("train-00001-of-00002.parquet"));
    LazyArrowException e = refused(tmp.resolve("hub"));
    assertEquals(data.resolve("train-00001-of-00002.parquet"), e.file());
    assertTrue(e.getMessage().contains("schema differs from train-00000-of-00002.parquet"));
  }

  @Test
  void convert_unreadableParquet_namesTheFile() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("hub/data"));
    Path bad = Files.write(data.resolve("train-00000-of-00001.parquet"), new byte[100]);
    LazyArrowException e = refused(tmp.resolve("hub"));
    assertEquals(bad, e.file());
    assertTrue(e.getMessage().contains("unreadable Parquet"), e.getMessage());
  }

  @Test
  void convert_stateJsonNamingFileOutsideFolder_namesStateJson() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("single"));
    Path state = source.resolve("state.json");
    Files.writeString(
        state, Files.readString(state).replace("data-00000-of-00001.arrow", "../../etc/passwd"));
    LazyArrowException e = refused(source);
    assertEquals(state, e.file());
    assertTrue(e.getMessage().contains("'../../etc/passwd' is not a plain name"), e.getMessage());
  }

  @Test
  void convert_branchLayoutWithSeveralConfigs_needsConfig() throws IOException {
    Path hub = tmp.resolve("hub");
    for (String config : List.of("plain", "other")) {
      Path dir = Files.createDirectories(hub.resolve(config).resolve("train"));
      Files.copy(Fixtures.path("parquet/zstd.parquet"), dir.resolve("0000.parquet"));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Converter.newBuilder().build().convert(hub, tmp.resolve("out")));
    assertTrue(
        e.getMessage().contains("several configs [other, plain]; choose one with --config"),
        e.getMessage());
    Converter.newBuilder().config("plain").build().convert(hub, tmp.resolve("out"));
    try (LazyDataset ds = LazyDataset.open(tmp.resolve("out"))) {
      assertEquals(1500, ds.split("train").size());
      assertEquals("hub_parquet", ds.source().get("layout"));
    }
  }

  @Test
  void convert_hubFrontMatter_choosesDefaultConfigAndKeepsFeatures() throws IOException {
    Path out = tmp.resolve("out");
    Converter.Result result =
        Converter.newBuilder().build().convert(Fixtures.path("hf/hub_parquet"), out);
    assertEquals("hub_parquet", result.layout());
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(List.of("train", "test"), ds.splits().stream().map(s -> s.name()).toList());
      assertEquals(List.of("sadness"), ds.split("train").get(97).labelNames("labels"));
      assertTrue(ds.split("train").features().get("labels").toString().contains("ClassLabel"));
    }
  }

  @Test
  void convert_unknownConfig_listsTheConfigs() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Converter.newBuilder()
                    .config("nope")
                    .build()
                    .convert(Fixtures.path("hf/hub_parquet"), tmp.resolve("out")));
    assertTrue(
        e.getMessage().contains("no config 'nope'") && e.getMessage().contains("[default]"),
        e.getMessage());
  }

  @Test
  void convert_progress_countsEveryRowAndSourceByte() throws IOException {
    long[] seen = new long[3];
    Converter.newBuilder()
        .progress(
            new Converter.Progress() {
              @Override
              public void start(long totalBytes) {
                seen[0] = totalBytes;
              }

              @Override
              public void advance(long rows, long bytes) {
                seen[1] += rows;
                seen[2] += bytes;
              }

              @Override
              public void finish() {}
            })
        .build()
        .convert(Fixtures.path("hf/save_dict"), tmp.resolve("out"));
    assertEquals(3000 + 400, seen[1]);
    assertEquals(seen[0], seen[2]);
  }
}
