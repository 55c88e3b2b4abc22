package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fifos;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses and messages of the commands: 0 done, 1 bad data naming the file, 2 usage. */
class CommandLineTest {
  @TempDir Path tmp;

  private Path dict() {
    return Fixtures.convert("save_dict", tmp.resolve("dict"));
  }

  @Test
  void verify_goodDataset_exitsZero() {
    Run verify = run("verify", dict().toString());
    assertEquals(0, verify.status(), verify.err());
    assertTrue(verify.out().startsWith("ok: "), verify.out());
    assertTrue(verify.out().contains("3 splits, 3400 rows"), verify.out());
  }

  @Test
  void verify_corruptShard_exitsOneNamingTheFile() throws IOException {
    Path ds = dict();
    Path shard = ds.resolve("validation/part-00000.arrow");
    byte[] bytes = Files.readAllBytes(shard);
    bytes[bytes.length - 1] = 'X'; // trailing magic
    Files.write(shard, bytes);
    Run verify = run("verify", ds.toString());
    assertEquals(1, verify.status());
    assertEquals(
        "lazyarrow: "
            + shard
            + ": wrong magic: not an Arrow IPC file (an IPC stream must"
            + " be converted or indexed first)",
        verify.err().strip());
  }

  @Test
  void dump_shardsOfOneSplitWithDifferentSchemas_exitsOne() throws IOException {
    Path ds = dict();
    Path other = Fixtures.convert("save_translation", tmp.resolve("other"));
    Path second = ds.resolve("train/part-00001.arrow");
    Files.copy(other.resolve("train/part-00000.arrow"), second);
    Manifest manifest = Manifest.read(ds);
    List<Manifest.SplitEntry> splits = new ArrayList<>(manifest.splits());
    Manifest.SplitEntry train = splits.get(0);
    List<Manifest.Shard> shards = new ArrayList<>(train.shards());
    shards.add(new Manifest.Shard("train/part-00001.arrow", 50, Files.size(second)));
    splits.set(0, new Manifest.SplitEntry("train", 3050, train.features(), shards));
    new Manifest(manifest.writer(), manifest.source(), splits).write(ds);
    Run dump = run("dump", ds.toString(), "--split", "train", "--rows", "3010");
    assertEquals(1, dump.status(), dump.out());
    assertTrue(
        dump.err()
            .startsWith(
                "lazyarrow: "
                    + second
                    + ": schema differs from the first shard"
                    + " of split 'train'"),
        dump.err());
    assertEquals(1, run("verify", ds.toString()).status());
  }

  @Test
  void dump_severalSplitsWithoutSplit_isUsageErrorListingThem() {
    Run dump = run("dump", dict().toString(), "--rows", "0");
    assertEquals(2, dump.status());
    assertEquals(
        "lazyarrow: the dataset has splits [train, validation, test]; choose one with" + " --split",
        dump.err().strip());
  }

  @Test
  void dump_rowOutsideSplit_isUsageError() {
    Run dump = run("dump", dict().toString(), "--split", "validation", "--rows", "400");
    assertEquals(2, dump.status());
    assertEquals("lazyarrow: row 400 outside 0..399 of split validation", dump.err().strip());
  }

  @Test
  void dump_malformedRange_isUsageError() {
    Run dump = run("dump", dict().toString(), "--split", "train", "--range", "5:2");
    assertEquals(2, dump.status());
    assertEquals(
        "lazyarrow: --range must be A:B with 0 <= A <= B, found '5:2'", dump.err().strip());
  }

  @Test
  void dump_bothSelections_isRejectedByTheParser() {
    Run dump = run("dump", dict().toString(), "--rows", "1", "--range", "0:1");
    assertEquals(2, dump.status());
    assertTrue(dump.err().contains("mutually exclusive"), dump.err());
  }

  @Test
  void dump_rangePastTheEnd_stopsAtTheEnd() {
    Run dump = run("dump", dict().toString(), "--split", "validation", "--range", "398:1000");
    assertEquals(0, dump.status(), dump.err());
    assertEquals(2, dump.out().lines().count());
    assertTrue(dump.out().startsWith("{\"index\": 398, \"row\": {"), dump.out());
  }

  @Test
  void dump_missingDataset_exitsOne() {
    Run dump = run("dump", tmp.resolve("nothing").toString(), "--rows", "0");
    assertEquals(1, dump.status());
    assertTrue(dump.err().contains("no manifest: not a LazyArrow dataset"), dump.err());
  }

  @Test
  void convert_existingOutput_isUsageError() throws IOException {
    Path out = Files.createDirectory(tmp.resolve("out"));
    Run convert = run("convert", Fixtures.path("hf/save_single").toString(), out.toString());
    assertEquals(2, convert.status());
    assertEquals(
        "lazyarrow: output " + out + " exists; pass --overwrite to replace it",
        convert.err().strip());
  }

  @Test
  void convert_badCompression_isUsageError() {
    Run convert =
        run(
            "convert",
            Fixtures.path("hf/save_single").toString(),
            tmp.resolve("o").toString(),
            "--compression",
            "gzip");
    assertEquals(2, convert.status());
    assertEquals(
        "lazyarrow: --compression must be none or zstd, found 'gzip'", convert.err().strip());
  }

  @Test
  void inspect_text_listsSplitsAndNestedTypes() {
    Run inspect = run("inspect", dict().toString());
    assertEquals(0, inspect.status(), inspect.err());
    assertTrue(inspect.out().contains("split train: 3000 rows in 1 shard, "), inspect.out());
    assertTrue(inspect.out().contains("labels               List<Int(64, true)>"), inspect.out());
  }

  @Test
  void convert_counts_matchTheirNounsInNumber() {
    Run convert =
        run(
            "convert",
            Fixtures.path("hf/save_dict").toString(),
            tmp.resolve("counted").toString(),
            "--shard-bytes",
            "100000");
    assertEquals(0, convert.status(), convert.err());
    assertTrue(convert.out().contains("validation: 400 rows in 1 shard\n"), convert.out());
    assertTrue(convert.out().contains("test: 0 rows in 1 shard\n"), convert.out());
    assertTrue(
        convert.out().matches("(?s).*train: 3000 rows in [2-9]\\d* shards\n.*"), convert.out());
  }

  @Test
  void noCommand_isUsageError() {
    assertEquals(2, run().status());
    assertEquals(2, run("frobnicate").status());
  }

  @Test
  void inspectAndDump_fifoInPlaceOfTheManifest_exitOneWithoutWaiting() throws Exception {
    Path ds = dict();
    Files.delete(ds.resolve(Manifest.FILE_NAME));
    Path fifo = Fifos.make(ds.resolve(Manifest.FILE_NAME));
    for (String[] args :
        List.of(
            new String[] {"inspect", ds.toString()},
            new String[] {"dump", ds.toString(), "--rows", "0"})) {
      Run r = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> run(args));
      assertEquals(1, r.status(), r.err());
      assertEquals(
          "lazyarrow: " + fifo + ": not a regular file but a FIFO, socket or device; refused",
          r.err().strip());
    }
  }

  @Test
  void inspect_badClassLabelInTheManifest_exitsOne() throws IOException {
    Path ds = dict();
    Path manifest = ds.resolve(Manifest.FILE_NAME);
    Files.writeString(
        manifest,
        Files.readString(manifest).replaceFirst("\"names\" : \\[", "\"names\" : 7, \"x\" : ["));
    Run inspect = run("inspect", ds.toString());
    assertEquals(1, inspect.status(), inspect.err());
    assertTrue(inspect.err().startsWith("lazyarrow: " + manifest + ": the features of split"));
  }

  @Test
  void convert_badClassLabelInDatasetInfo_exitsOne() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    Path info = source.resolve("dataset_info.json");
    Files.writeString(
        info, Files.readString(info).replaceFirst("\"names\": \\[", "\"names\": 7, \"x\": ["));
    Run convert = run("convert", source.toString(), tmp.resolve("out").toString());
    assertEquals(1, convert.status(), convert.err());
    assertTrue(
        convert.err().startsWith("lazyarrow: " + info + ": invalid features:"), convert.err());
    assertEquals(1, convert.err().strip().lines().count(), convert.err());
  }

  @Test
  void convert_outHoldingTheSourceWithOverwrite_exitsTwoAndKeepsTheSource() throws IOException {
    Path p = Files.createDirectory(tmp.resolve("p"));
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), p.resolve("src"));
    Run convert = run("convert", source.toString(), p.toString(), "--overwrite");
    assertEquals(2, convert.status(), convert.err());
    assertTrue(convert.err().contains(" holds SOURCE "), convert.err());
    assertTrue(Files.isRegularFile(source.resolve("data-00000-of-00001.arrow")));
  }

  @Test
  void failure_withVerbose_addsTheStackTraceToTheOneLine() {
    String missing = tmp.resolve("nothing").toString();
    Run plain = run("inspect", missing);
    assertEquals(1, plain.status());
    assertEquals(1, plain.err().strip().lines().count(), plain.err());
    for (String[] args :
        List.of(
            new String[] {"inspect", missing, "--verbose"},
            new String[] {"--verbose", "verify", missing},
            new String[] {"dump", missing, "--rows", "0", "--verbose"})) {
      Run verbose = run(args);
      assertEquals(1, verbose.status(), verbose.err());
      List<String> lines = verbose.err().lines().toList();
      assertEquals(plain.err().lines().findFirst().get(), lines.get(0));
      assertTrue(lines.get(1).startsWith("dev.lazyarrow.format.LazyArrowException: "), verbose.err());
      assertTrue(verbose.err().contains("\tat dev.lazyarrow.internal.format.Manifest.read"), verbose.err());
    }
  }

  @Test
  void convert_toABadObjectStorageUri_exitsTwoAndWritesNoLocalFolder() {
    String source = Fixtures.path("hf/save_single").toString();
    for (String out : List.of("s3://adv/p/a\nb", "s3:///no-bucket", "s3://b/with space")) {
      Run convert = run("convert", source, out);
      assertEquals(2, convert.status(), out + ": " + convert.err());
      assertTrue(convert.err().contains("URI"), convert.err());
    }
    assertTrue(Files.notExists(Path.of("s3:")), "a local folder s3: was written");
    Run dump = run("dump", "s3://adv/p/a\nb");
    assertEquals(2, dump.status(), dump.err());
  }
}
