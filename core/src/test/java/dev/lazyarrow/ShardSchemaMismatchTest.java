package dev.lazyarrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which file a schema that differs between the shards of a split blames (issue 23, item 4): the
 * shard whose schema and footer fail their checksum, not the first healthy shard read after a
 * damaged first one; both files where no checksum can tell.
 */
class ShardSchemaMismatchTest {
  /**
   * The 'l' of "labels" in the footer's schema of {@code train/part-00000.arrow} of the {@code
   * save_dict} fixture converted with 8 KiB batches and 60,000-byte shards (681 rows in it).
   */
  private static final long FIRST_SHARD_FOOTER_FIELD = 64476;

  @TempDir Path tmp;

  @Test
  void get_firstShardFooterRenamesAField_blamesFirstShardNotTheHealthyOne() throws IOException {
    Path ds = smallShards();
    Path first = ds.resolve("train/part-00000.arrow");
    flip(first, FIRST_SHARD_FOOTER_FIELD, 'l', 'd');
    LazyArrowException e = readFails(ds, 1000);
    assertEquals(first, e.file(), e.getMessage());
    assertTrue(e.getMessage().contains("fail their checksum"), e.getMessage());
    assertTrue(e.getMessage().contains("labeds"), e.getMessage());
  }

  @Test
  void get_laterShardFooterRenamesAField_blamesThatShard() throws IOException {
    Path ds = smallShards();
    Path second = ds.resolve("train/part-00001.arrow");
    flip(second, lastIndexOf(second, "labels"), 'l', 'd');
    LazyArrowException e = readFails(ds, 1000);
    assertEquals(second, e.file(), e.getMessage());
    assertTrue(e.getMessage().contains("fail their checksum"), e.getMessage());
  }

  @Test
  void get_shardsWithoutChecksumsDiffer_namesBothFiles() throws IOException {
    Path ds = Fixtures.pyarrowShard("ipc_plain", tmp.resolve("pyarrow"));
    Path second = ds.resolve("train/part-00001.arrow");
    Files.copy(Fixtures.path("pyarrow/feather_default.arrow"), second);
    Manifest manifest = Manifest.read(ds);
    Manifest.SplitEntry train = manifest.splits().get(0);
    List<Manifest.Shard> shards = new ArrayList<>(train.shards());
    shards.add(new Manifest.Shard("train/part-00001.arrow", 5000, Files.size(second)));
    new Manifest(
            manifest.writer(),
            manifest.source(),
            List.of(new Manifest.SplitEntry("train", 10_000, train.features(), shards)))
        .write(ds);
    LazyArrowException e = readFails(ds, 5000);
    assertEquals(second, e.file(), e.getMessage());
    assertTrue(
        e.getMessage().contains(ds.resolve("train/part-00000.arrow") + " (no checksums say"),
        e.getMessage());
  }

  /** Converts {@code save_dict} as issue 23 did: five train shards of 258 to 742 rows. */
  private Path smallShards() throws IOException {
    Path out = tmp.resolve("ds");
    Converter.newBuilder()
        .batchBytes(8192)
        .shardBytes(60_000)
        .build()
        .convert(Fixtures.path("hf/save_dict"), out);
    return out;
  }

  private static void flip(Path file, long at, char from, char to) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, at);
      assertEquals(from, (char) b.get(0), "byte " + at + " of " + file);
      channel.write(ByteBuffer.wrap(new byte[] {(byte) to}), at);
    }
  }

  private static long lastIndexOf(Path file, String text) throws IOException {
    String bytes =
        new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
    return bytes.lastIndexOf(text);
  }

  private static LazyArrowException readFails(Path ds, long row) {
    try (LazyDataset dataset = LazyDataset.open(ds)) {
      Split train = dataset.split("train");
      return assertThrows(LazyArrowException.class, () -> train.get(row));
    }
  }
}
