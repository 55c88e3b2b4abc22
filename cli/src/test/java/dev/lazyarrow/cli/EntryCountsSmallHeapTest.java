package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.ShardFooter;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.SmallHeap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.flatbuf.Block;
import org.apache.arrow.flatbuf.Footer;
import org.apache.arrow.flatbuf.KeyValue;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code inspect} and {@code dump} in a child JVM of {@value SmallHeap#HEAP} over a dataset
 * whose manifest or shard footer, under its byte bound, lists more entries than that heap holds
 * the objects of: each is one error naming the file, never an {@link OutOfMemoryError}.
 */
class EntryCountsSmallHeapTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"inspect", "dump"})
  void command_shardFooterListing2500000Blocks_isRefusedNamingTheShard(String command)
      throws Exception {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Manifest manifest = Manifest.read(ds);
    Manifest.SplitEntry split = manifest.splits().get(0);
    Path shard = ds.toRealPath().resolve(split.shards().get(0).path());
    int blocks = 2_500_000;
    long size = manyBlocks(shard, blocks);
    Manifest.Shard claim = new Manifest.Shard(split.shards().get(0).path(), blocks, size);
    new Manifest(
            manifest.writer(),
            manifest.source(),
            List.of(new Manifest.SplitEntry(split.name(), blocks, split.features(), List.of(claim))))
        .write(ds);
    String output = run(command, ds);
    assertTrue(
        output.startsWith(
            "lazyarrow: " + shard + ": footer lists " + blocks + " blocks, more than a heap of"),
        output);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inspect", "dump"})
  void command_manifestOf700000ShardEntries_isRefusedNamingTheManifest(String command)
      throws Exception {
    Path ds = Fixtures.convert("save_single", tmp.resolve("ds"));
    Manifest.Shard shard = Manifest.read(ds).splits().get(0).shards().get(0);
    int entries = 700_000;
    String entry =
        "{\"path\": \"" + shard.path() + "\", \"rows\": " + shard.rows() + ", \"bytes\": "
            + shard.bytes() + "}";
    StringBuilder json = new StringBuilder(entries * (entry.length() + 2));
    json.append("{\"format\": \"lazyarrow\", \"version\": 1, \"splits\": [{\"name\": \"train\",")
        .append(" \"rows\": ")
        .append(shard.rows() * entries)
        .append(", \"shards\": [");
    for (int i = 0; i < entries; i++) {
      json.append(i == 0 ? "" : ", ").append(entry);
    }
    json.append("]}]}");
    Path file = ds.toRealPath().resolve(Manifest.FILE_NAME);
    Files.writeString(file, json);
    assertTrue(Files.size(file) < Manifest.MAX_BYTES);
    String output = run(command, ds);
    assertTrue(
        output.startsWith("lazyarrow: " + file + ": manifest holds more than "), output);
  }

  /** Runs {@code command} over {@code ds} in the child; returns its output, checking exit 1. */
  private String run(String command, Path ds) throws Exception {
    Path log = tmp.resolve(command + ".log");
    int status =
        SmallHeap.run(
            log,
            Main.class.getName(),
            command.equals("dump")
                ? new String[] {"dump", ds.toString(), "--range", "0:10"}
                : new String[] {"inspect", ds.toString()});
    String output =
        String.join(
            "\n",
            Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("WARNING: "))
                .toList());
    assertEquals(1, status, output);
    return output;
  }

  /**
   * Rewrites the shard {@code file} with a footer that lists its first record batch {@code count}
   * times, each of one row, as {@code lazyarrow.batch_rows} says, and no checksums: some 65 MB of
   * footer, under the 64 MiB bound. Returns the file's new size.
   */
  private static long manyBlocks(Path file, int count) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer all = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int footerLength = all.getInt(bytes.length - 10);
    int footerStart = bytes.length - 10 - footerLength;
    Footer old =
        Footer.getRootAsFooter(
            all.slice(footerStart, footerLength).order(ByteOrder.LITTLE_ENDIAN));
    Block first = old.recordBatches(0);
    FlatBufferBuilder b = new FlatBufferBuilder(80 << 20);
    int schema = Schema.convertSchema(old.schema()).getSchema(b);
    char[] ones = new char[2 * count - 1];
    Arrays.fill(ones, ',');
    for (int i = 0; i < ones.length; i += 2) {
      ones[i] = '1';
    }
    int rows =
        KeyValue.createKeyValue(
            b, b.createString(ShardFooter.BATCH_ROWS_KEY), b.createString(new String(ones)));
    int metadata = Footer.createCustomMetadataVector(b, new int[] {rows});
    Footer.startRecordBatchesVector(b, count);
    for (int i = 0; i < count; i++) {
      Block.createBlock(b, first.offset(), first.metaDataLength(), first.bodyLength());
    }
    int batches = b.endVector();
    Footer.startDictionariesVector(b, 0);
    int dictionaries = b.endVector();
    b.finish(Footer.createFooter(b, MetadataVersion.V5, schema, dictionaries, batches, metadata));
    byte[] footer = b.sizedByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream(footerStart + footer.length + 10);
    out.write(bytes, 0, footerStart);
    out.write(footer);
    out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(footer.length).array());
    out.write(bytes, bytes.length - 6, 6);
    Files.write(file, out.toByteArray());
    return Files.size(file);
  }
}
