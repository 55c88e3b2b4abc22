package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConverterTest {
  @TempDir Path tmp;

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void convert_datasetDict_keepsSplitOrderAndCounts() throws IOException {
    Path out = tmp.resolve("out");
    Converter.Result result =
        Converter.newBuilder().build().convert(Fixtures.path("hf/save_dict"), out);
    assertEquals(
        List.of("train", "validation", "test"),
        result.splits().stream().map(Converter.SplitWritten::name).toList());
    assertEquals(List.of("lazyarrow.json", "test", "train", "validation"), listing(out));
    Manifest manifest = Manifest.read(out);
    assertEquals("save_to_disk", manifest.source().layout());
    assertEquals(3000, manifest.splits().get(0).rows());
    assertEquals(0, manifest.splits().get(2).rows());
    assertEquals(1, manifest.splits().get(2).shards().size(), "an empty split keeps one shard");
    assertTrue(manifest.splits().get(0).features().has("labels"));
  }

  @Test
  void convert_zeroDataFiles_takesSchemaFromFeatures() throws IOException {
    Path out = tmp.resolve("empty");
    Converter.newBuilder().build().convert(Fixtures.path("hf/save_empty"), out);
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split train = ds.split("train");
      assertEquals(0, train.size());
      assertEquals(List.of("text", "label"), train.columnNames());
      assertTrue(!train.iterator().hasNext());
      ds.verify();
    }
  }

  @Test
  void convert_batchBytes_boundsEveryBatchOfMoreThanOneRow() throws IOException {
    Path out = tmp.resolve("small");
    long bound = 8 << 10;
    Converter.newBuilder().batchBytes(bound).build().convert(Fixtures.path("hf/save_single"), out);
    try (LazyDataset ds = LazyDataset.open(out)) {
      int batches = 0;
      for (Iterator<Batch> it = ds.split("train").batches(); it.hasNext(); batches++) {
        try (Batch batch = it.next()) {
          long bytes =
              batch.root().getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum();
          assertTrue(batch.size() == 1 || bytes <= bound, bytes + " bytes in " + batch.size());
        }
      }
      assertTrue(batches > 100, "2345 rows of ~480 bytes make many 8 KiB batches: " + batches);
    }
  }

  @Test
  void convert_shardBytes_rollsShards() throws IOException {
    Path out = tmp.resolve("rolled");
    Converter.newBuilder()
        .batchBytes(16 << 10)
        .shardBytes(100 << 10)
        .build()
        .convert(Fixtures.path("hf/save_single"), out);
    Manifest manifest = Manifest.read(out);
    List<Manifest.Shard> shards = manifest.splits().get(0).shards();
    assertTrue(shards.size() > 5, "1.1 MB in 100 KiB shards: " + shards.size());
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split train = ds.split("train");
      for (long i = 0; i < train.size(); i += 97) {
        assertEquals(i, train.get(i).getLong("id"));
      }
    }
  }

  @Test
  void convert_existingOutput_isRefusedWithoutOverwrite() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("taken"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Converter.newBuilder().build().convert(Fixtures.path("hf/save_single"), out));
    assertEquals("output " + out + " exists; pass --overwrite to replace it", e.getMessage());
    Converter.newBuilder().overwrite(true).build().convert(Fixtures.path("hf/save_single"), out);
    assertEquals(List.of("lazyarrow.json", "train"), listing(out));
    assertEquals(List.of("taken"), listing(tmp), "no temporary folder is left behind");
  }

  @Test
  void convert_corruptDataFile_leavesNoOutput() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_dict"), tmp.resolve("src"));
    Path bad = source.resolve("train/data-00002-of-00003.arrow");
    byte[] bytes = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Path out = tmp.resolve("out");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class, () -> Converter.newBuilder().build().convert(source, out));
    assertEquals(bad, e.file());
    assertEquals(List.of("src"), listing(tmp), "neither OUT nor a temporary folder remains");
  }

  @Test
  void convert_stateNamingFileOutsideFolder_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_translation"), tmp.resolve("src"));
    Files.writeString(
        source.resolve("state.json"),
        "{\"_data_files\": [{\"filename\": \"../../etc/passwd\"}], \"_split\": null}");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () -> Converter.newBuilder().build().convert(source, tmp.resolve("out")));
    assertEquals(source.resolve("state.json"), e.file());
    assertTrue(e.getMessage().contains("'../../etc/passwd' is not a plain name"), e.getMessage());
  }

  @Test
  void convert_mixedSchemasInOneSplit_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_dict/validation"), tmp.resolve("src"));
    Files.copy(
        Fixtures.path("hf/save_translation/data-00000-of-00001.arrow"),
        source.resolve("other.arrow"));
    Files.writeString(
        source.resolve("state.json"),
        "{\"_data_files\": [{\"filename\": \"data-00000-of-00001.arrow\"}, {\"filename\":"
            + " \"other.arrow\"}], \"_split\": \"dev\"}");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () -> Converter.newBuilder().build().convert(source, tmp.resolve("out")));
    assertEquals(source.resolve("other.arrow"), e.file());
    assertTrue(
        e.getMessage().contains("schema differs from data-00000-of-00001.arrow"), e.getMessage());
  }

  @Test
  void convert_unknownLayout_saysWhatItLookedFor() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () -> Converter.newBuilder().build().convert(empty, tmp.resolve("out")));
    assertTrue(e.getMessage().contains("unknown layout: looked for a save_to_disk folder"));
  }

  @Test
  void convert_splitOption_selectsSplitsAndRejectsUnknownOnes() throws IOException {
    Path out = tmp.resolve("one");
    Converter.newBuilder().split("validation").build().convert(Fixtures.path("hf/save_dict"), out);
    assertEquals(
        List.of("validation"),
        Manifest.read(out).splits().stream().map(Manifest.SplitEntry::name).toList());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Converter.newBuilder()
                    .split("dev")
                    .build()
                    .convert(Fixtures.path("hf/save_dict"), tmp.resolve("two")));
    assertTrue(e.getMessage().endsWith("splits are [train, validation, test]"), e.getMessage());
  }

  @Test
  void convert_singleDatasetNamingItsSplit_keepsThatName() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_translation"), tmp.resolve("src"));
    String state = Files.readString(source.resolve("state.json"));
    Files.writeString(
        source.resolve("state.json"),
        state.replace("\"_split\": null", "\"_split\": \"validation\""));
    Path out = tmp.resolve("named");
    Converter.newBuilder().build().convert(source, out);
    assertEquals("validation", Manifest.read(out).splits().get(0).name());
  }

  @Test
  void convert_singleDataset_isSplitTrain() throws IOException {
    Path out = tmp.resolve("single");
    Converter.newBuilder().build().convert(Fixtures.path("hf/save_translation"), out);
    assertEquals("train", Manifest.read(out).splits().get(0).name());
  }
}
