package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fifos;
import dev.lazyarrow.testing.Fixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.Util;
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
      setFirstPageSize(Fixtures.path("parquet/" + codec + ".parquet"), source, 0x7FFFFFF7);
      refused(source, source, "a page claims 2147483639 bytes uncompressed");
    }
  }

  /**
   * Copies Parquet file {@code from} to {@code to} with the header of the first page of its first
   * column chunk claiming {@code size} bytes uncompressed. The header may grow, so the chunk is
   * copied after the data, before a new footer that points to it: nothing else moves.
   */
  static void setFirstPageSize(Path from, Path to, int size) throws IOException {
    byte[] bytes = Files.readAllBytes(from);
    int footerLength =
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(bytes.length - 8);
    int footerStart = bytes.length - 8 - footerLength;
    FileMetaData footer =
        Util.readFileMetaData(new ByteArrayInputStream(bytes, footerStart, footerLength));
    ColumnChunk chunk = footer.getRow_groups().get(0).getColumns().get(0);
    ColumnMetaData column = chunk.getMeta_data();
    long start = column.getData_page_offset();
    if (column.isSetDictionary_page_offset() && column.getDictionary_page_offset() > 0) {
      start = Math.min(start, column.getDictionary_page_offset());
    }
    ByteArrayInputStream in =
        new ByteArrayInputStream(bytes, (int) start, bytes.length - (int) start);
    PageHeader header = Util.readPageHeader(in);
    int headerLength = bytes.length - (int) start - in.available();
    header.setUncompressed_page_size(size);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes, 0, footerStart);
    Util.writePageHeader(header, out);
    long grown = out.size() - footerStart - headerLength;
    out.write(
        bytes, (int) start + headerLength, (int) column.getTotal_compressed_size() - headerLength);
    long moved = footerStart - start;
    column.setData_page_offset(
        column.getData_page_offset() + moved + (column.getData_page_offset() > start ? grown : 0));
    if (column.isSetDictionary_page_offset() && column.getDictionary_page_offset() > 0) {
      column.setDictionary_page_offset(column.getDictionary_page_offset() + moved);
    }
    column.setTotal_compressed_size(column.getTotal_compressed_size() + grown);
    if (chunk.getFile_offset() >= start) {
      chunk.setFile_offset(chunk.getFile_offset() + moved);
    }
    int metadataStart = out.size();
    Util.writeFileMetaData(footer, out);
    ByteBuffer tail = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    tail.putInt(out.size() - metadataStart).put(new byte[] {'P', 'A', 'R', '1'});
    out.write(tail.array());
    Files.write(to, out.toByteArray());
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
