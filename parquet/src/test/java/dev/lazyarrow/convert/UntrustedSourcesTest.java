package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fifos;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flatbuf.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sources whose names, links, file types or stream lengths are hostile: each is refused naming the
 * file, and nothing is written outside OUT.
 */
class UntrustedSourcesTest {
  @TempDir Path tmp;

  /**
   * Converts {@code source} into {@code tmp/a/b/out}, expecting a refusal; checks OUT's absence.
   */
  private LazyArrowException refused(Path source) throws IOException {
    Path out = Files.createDirectories(tmp.resolve("a/b")).resolve("out");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class, () -> Converter.newBuilder().build().convert(source, out));
    assertTrue(Files.notExists(out), "OUT was written");
    try (Stream<Path> all = Files.walk(tmp)) {
      List<Path> written = all.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
      assertEquals(List.of(), written, "shards written outside OUT");
    }
    return e;
  }

  /**
   * Expects {@link #refused(Path)} to blame {@code file} with a message holding {@code expected}.
   */
  private void refused(Path source, Path file, String expected) throws IOException {
    LazyArrowException e = refused(source);
    assertEquals(file, e.file());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void convert_splitEscapingInStateJson_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("a/b/src"));
    Path state = source.resolve("state.json");
    Files.writeString(
        state,
        Files.readString(state).replace("\"_split\": null", "\"_split\": \"../../escaped\""));
    refused(source, state, "_split '../../escaped' is not a plain name: it holds a path separator");
  }

  @Test
  void convert_dotDotInDatasetDictJson_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_dict"), tmp.resolve("a/b/src"));
    Path dict = source.resolve("dataset_dict.json");
    Files.writeString(dict, "{\"splits\": [\"train\", \"..\"]}");
    refused(source, dict, "split name '..' is not a plain name");
  }

  @Test
  void convert_cacheFileNamedForSplitDotDot_isRefused() throws IOException {
    Path cache =
        Fixtures.copyTree(Fixtures.path("hf/cache"), tmp.resolve("a/b/src"))
            .resolve(
                "json/default-4c8cc5446d095b48/0.0.0/"
                    + "915409a0dcfcf3c0e0e2b1d1e761f7eaf823c9e638ed16d3c75e0a940a971aa3");
    Path hostile = Files.copy(cache.resolve("json-train.arrow"), cache.resolve("json-...arrow"));
    refused(tmp.resolve("a/b/src"), hostile, "split name '..' is not a plain name");
  }

  @Test
  void convert_hubFileNamedForSplitDotDot_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/hub_parquet"), tmp.resolve("a/b/src"));
    Files.delete(source.resolve("README.md")); // splits then come from the file names
    Path hostile =
        Files.copy(
            source.resolve("data/test-00000-of-00001.parquet"),
            source.resolve("data/..-00000-of-00001.parquet"));
    refused(source, hostile, "split name '..' is not a plain name");
  }

  @Test
  void convert_readmeConfigWithSeparator_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/hub_parquet"), tmp.resolve("a/b/src"));
    Path readme = source.resolve("README.md");
    Files.writeString(readme, Files.readString(readme).replace("split: test", "split: ../x"));
    refused(source, readme, "split name '../x' is not a plain name");
  }

  @Test
  void convert_dataFileLinkedOutsideTheSource_isRefused() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("a/b/src"));
    Path data = source.resolve("data-00000-of-00001.arrow");
    Path outside = Files.move(data, tmp.resolve("outside.arrow"));
    Files.createSymbolicLink(data, outside);
    refused(
        source, source.resolve("state.json"), "resolves to " + outside.toRealPath() + ", outside");
  }

  @Test
  void convert_hubSnapshotLinkingIntoItsBlobs_converts() throws IOException {
    Path repo = tmp.resolve("datasets--someone--emotion");
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abc"));
    Path data = Files.createDirectories(snapshot.resolve("data"));
    Files.copy(Fixtures.path("hf/hub_parquet/README.md"), blobs.resolve("readme"));
    Files.createSymbolicLink(snapshot.resolve("README.md"), Path.of("../../blobs/readme"));
    for (String name :
        List.of("train-00000-of-00002", "train-00001-of-00002", "test-00000-of-00001")) {
      Path blob =
          Files.copy(
              Fixtures.path("hf/hub_parquet/data/" + name + ".parquet"),
              blobs.resolve(name.hashCode() + ""));
      Files.createSymbolicLink(
          data.resolve(name + ".parquet"), Path.of("../../../blobs", "" + name.hashCode()));
    }
    Converter.Result result =
        Converter.newBuilder()
            .build()
            .convert(repo.resolve("snapshots/0123abc"), tmp.resolve("out"));
    assertEquals(
        List.of("train", "test"), result.splits().stream().map(Converter.SplitWritten::name).toList());
  }

  @Test
  void convert_oneFileThatIsALink_converts() throws IOException {
    Path link =
        Files.createSymbolicLink(
            tmp.resolve("rows.jsonl"), Fixtures.path("jsonl/types.jsonl").toRealPath());
    assertEquals(
        Files.readAllLines(Fixtures.path("jsonl/types.jsonl")).stream()
            .filter(line -> !line.isBlank())
            .count(),
        Converter.newBuilder().build().convert(link, tmp.resolve("out")).rows());
  }

  @Test
  void convert_fifoInPlaceOfSourceFiles_isRefusedWithoutWaiting() throws Exception {
    for (String name : List.of("state.json", "dataset_info.json", "data-00000-of-00001.arrow")) {
      Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("fifo-" + name));
      Files.delete(source.resolve(name));
      Path fifo = Fifos.make(source.resolve(name));
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> refused(source, fifo, "not a regular file but a FIFO, socket or device"));
    }
    Path jsonl = Fifos.make(tmp.resolve("rows.jsonl"));
    assertTimeoutPreemptively(
        Duration.ofSeconds(10), () -> refused(jsonl, jsonl.toRealPath(), "not a regular file"));
  }

  @Test
  void convert_outThatIsInsideOrHoldsTheSource_isRefusedAndTheSourceKept() throws IOException {
    Path p = Files.createDirectory(tmp.resolve("p"));
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), p.resolve("src"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), p);
    for (Path out : List.of(p, source, source.resolve("out"), link, link.resolve("src"))) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Converter.newBuilder().overwrite(true).build().convert(source, out));
      assertTrue(e.getMessage().contains("choose an OUT apart from it"), e.getMessage());
    }
    assertArrayEquals(
        Files.readAllBytes(Fixtures.path("hf/save_single/data-00000-of-00001.arrow")),
        Files.readAllBytes(source.resolve("data-00000-of-00001.arrow")));
  }

  @Test
  void convert_streamMessageLengthZeroBeforeTheEnd_isRefusedNotTruncated() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("a/b/src"));
    Path data = source.resolve("data-00000-of-00001.arrow");
    long at = setMessageLength(data, 2, 0);
    refused(source, data.toRealPath(), "end-of-stream marker at offset " + at + " but ");
  }

  @Test
  void convert_streamMessageLengthBeyondTheFile_isRefusedBeforeAllocating() throws IOException {
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("a/b/src"));
    Path data = source.resolve("data-00000-of-00001.arrow");
    long at = setMessageLength(data, 1, 0x7FFFFFFF);
    refused(
        source,
        data.toRealPath(),
        "message at offset " + at + " claims 2147483647 bytes of metadata");
  }

  @Test
  void convert_batchLengthBeyondItsColumns_isRefusedNotStretched() throws Exception {
    // Found by SourceFuzzTest#arrow: a batch of 16,778,050 rows whose one column holds 834; Arrow
    // stretched the column with zeros and the conversion wrote 16 million invented rows.
    Path source =
        Files.copy(
            Path.of(
                getClass()
                    .getResource("SourceFuzzTestInputs/arrow/issue9_batch_length_not_adding_up")
                    .toURI()),
            tmp.resolve("source.arrow"));
    refused(source, source, "record batch at offset 256 says 16778050 rows but column 0 holds 834");
  }

  @Test
  void convert_parquetPageClaimingTwoGigabytes_isRefusedBeforeAllocating() throws IOException {
    for (String codec : List.of("snappy", "zstd", "gzip", "lz4_raw")) {
      Path source = tmp.resolve(codec + ".parquet");
      HostileParquet.editFirstPage(
          Fixtures.path("parquet/" + codec + ".parquet"),
          source,
          0,
          h -> h.setUncompressed_page_size(0x7FFFFFF7));
      refused(source, source, "a page claims 2147483639 bytes uncompressed");
    }
  }

  /** Sets the length prefix of the stream's message {@code index}; returns the message's offset. */
  static long setMessageLength(Path stream, int index, int length) throws IOException {
    byte[] bytes = Files.readAllBytes(stream);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    List<Integer> offsets = new ArrayList<>();
    int at = 0;
    while (true) {
      int prefix = b.getInt(at) == -1 ? 8 : 4;
      int metadata = b.getInt(at + prefix - 4);
      if (metadata == 0) {
        break;
      }
      offsets.add(at);
      ByteBuffer flat = ByteBuffer.wrap(bytes, at + prefix, metadata).slice();
      long body = Message.getRootAsMessage(flat.order(ByteOrder.LITTLE_ENDIAN)).bodyLength();
      at += prefix + metadata + (int) body;
    }
    int offset = offsets.get(index);
    b.putInt(offset + (b.getInt(offset) == -1 ? 4 : 0), length);
    Files.write(stream, bytes);
    return offset;
  }
}
