package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.ShardBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproductions of issue 9 on converted shards, each on a fresh {@code convert} of the {@code
 * save_dict} fixture: {@code train/part-00000.arrow} holds three batches of 1,000 rows with columns
 * {@code text} (field node 0; buffers 0-2: validity, offsets, values) and {@code labels}, a list
 * (node 1; buffers 3-4) of int64 (node 2; buffers 5-6).
 */
class DamagedShardTest {
  private static final int TEXT_OFFSETS = 1;
  private static final int LABELS_OFFSETS = 4;

  @TempDir Path tmp;
  private Path dir;
  private Path shard;
  private ShardBytes bytes;

  @BeforeEach
  void convert() {
    dir = Fixtures.convert("save_dict", tmp.resolve("out"));
    shard = dir.resolve("train/part-00000.arrow");
    bytes = ShardBytes.of(shard);
  }

  @Test
  void get_fieldNodeShorterThanItsBatch_failsNamingFileBatchAndColumnInsteadOfCrashing() {
    // Byte 728 e8 -> e0: the text node's length drops from 1000 to 992, and Arrow's loader would
    // "fill the holes" by writing into the read-only mapping (SIGSEGV).
    assertEquals(728, bytes.node(0, 0));
    assertEquals((byte) 0xe8, bytes.bytes()[728]);
    bytes.bytes()[728] = (byte) 0xe0;
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(0));
    assertMessage(e, "record batch 0, column 'text'", "holds 992 values, the batch holds 1000");
    assertVerifyFails("record batch 0");
  }

  @Test
  void get_listOffsetPastItsValues_failsInsteadOfRunningOutOfMemory() {
    // Bytes 69740 02000000 -> 00000040: a labels offset of 2^30, far past the 1,000-odd items.
    long at = bytes.bufferData(0, LABELS_OFFSETS) + 4;
    assertEquals(69740, at);
    assertEquals(2, bytes.getInt(at));
    bytes.putInt(at, 0x40000000);
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(0));
    assertMessage(e, "record batch 0, column 'labels'", "below offset 1 = 1073741824");
    assertVerifyFails("record batch 0");
  }

  @Test
  void get_stringOffsetOfIntMax_failsInsteadOfAskingForAHugeArray() {
    bytes.putInt(bytes.bufferData(0, TEXT_OFFSETS) + 4, Integer.MAX_VALUE);
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(0));
    assertMessage(e, "record batch 0, column 'text'");
  }

  @Test
  void get_batchLengthSetToZero_failsInsteadOfDroppingRows() {
    bytes.putLong(bytes.batchLength(1), 0);
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(1500));
    assertMessage(e, "record batch 1 holds 0 rows, the footer says 1000");
    assertVerifyFails("record batch 1");
  }

  @Test
  void verify_offsetNudgedByOne_failsOnTheBatchChecksum() {
    // Still increasing and inside the values: only the checksum tells the rows changed.
    long at = bytes.bufferData(2, TEXT_OFFSETS) + 4 * 5;
    bytes.putInt(at, bytes.getInt(at) + 1);
    bytes.write();
    assertVerifyFails("record batch 2 does not match its checksum");
    try (LazyDataset ds = LazyDataset.newBuilder().verifyChecksums().open(dir)) {
      LazyArrowException e =
          assertThrows(LazyArrowException.class, () -> ds.split("train").get(2004));
      assertMessage(e, "record batch 2 does not match its checksum");
      assertEquals(1000, ds.split("train").get(1000).index(), "other batches still read");
    }
  }

  @Test
  void get_twoBuffersAliasingTheSameBytes_isRefused() {
    long values = bytes.bufferEntry(0, 2);
    bytes.putLong(values, bytes.getInt(bytes.bufferEntry(0, TEXT_OFFSETS)));
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(0));
    assertMessage(e, "record batch 0: buffer 2", "overlaps the buffer before it");
  }

  @Test
  void get_footerSchemaFieldContainingItself_failsInsteadOfOverflowingTheStack() {
    long[] child = bytes.footerChild(1); // labels: its one child now points back at labels
    bytes.putInt(child[0], (int) (child[1] - child[0]));
    bytes.write();
    LazyArrowException e = readFails(split -> split.get(0));
    assertMessage(e, "nests deeper than 64 levels");
  }

  @Test
  void get_shardReplacedByFifo_failsAtOnceInsteadOfWaiting() throws Exception {
    Files.delete(shard);
    assumeTrue(new ProcessBuilder("mkfifo", shard.toString()).start().waitFor() == 0);
    LazyArrowException e =
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> readFails(split -> split.get(0)));
    assertMessage(e, "not a regular file but a FIFO");
  }

  @Test
  void get_shardReplacedByDirectory_failsNamingTheShard() throws IOException {
    Files.delete(shard);
    Files.createDirectory(shard);
    assertMessage(readFails(split -> split.get(0)), "not a regular file but a folder");
  }

  @Test
  void load_dictionaryIndexOutsideItsDictionary_isRefused() throws IOException {
    // pyarrow's file: int64 (buffers 0-1), string (2-4), then a dictionary column (5-6).
    Path file = Files.copy(Fixtures.path("pyarrow/ipc_plain.arrow"), tmp.resolve("dict.arrow"));
    ShardBytes pyarrow = ShardBytes.of(file);
    pyarrow.putInt(pyarrow.bufferData(0, 6), 1_000_000);
    pyarrow.write();
    try (BufferAllocator allocator = new RootAllocator();
        ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> shard.load(0));
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("has dictionary index 1000000 at row 0"), e.getMessage());
    }
  }

  @Test
  void load_compressedBufferDeclaringHugeSize_isRefusedBeforeAllocating() throws IOException {
    Path zstd = tmp.resolve("zstd");
    Converter.newBuilder()
        .compression(Converter.Compression.ZSTD)
        .build()
        .convert(Fixtures.path("hf/save_dict"), zstd);
    Path file = zstd.resolve("train/part-00000.arrow");
    ShardBytes compressed = ShardBytes.of(file);
    compressed.putLong(compressed.bufferData(0, 2), 1L << 40); // the text values' declared size
    compressed.write();
    try (BufferAllocator allocator = new RootAllocator();
        ShardFile shard = new ShardFile(file, -1, -1, allocator)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> shard.load(0));
      assertTrue(
          e.getMessage().contains("column 'text': declares a values buffer of 1099511627776"),
          e.getMessage());
    }
  }

  @Test
  void verify_undamagedShards_passesAndReportsChecksums() {
    try (LazyDataset ds = LazyDataset.open(dir)) {
      ds.verify();
      assertTrue(ds.hasChecksums());
    }
  }

  @Test
  void verify_everyByteOfAConvertedShardFlipped_failsNamingTheShard() throws IOException {
    // A nested-list and struct fixture of one small batch; every byte, each a different bit, is
    // checked the way verify checks a shard, against the sizes and rows the manifest records.
    Path small = Fixtures.convert("save_extension", tmp.resolve("small"));
    Path file = small.resolve("train/part-00000.arrow");
    byte[] original = Files.readAllBytes(file);
    try (LazyDataset ds = LazyDataset.open(small)) {
      ds.verify();
    }
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      for (int i = 0; i < original.length; i++) {
        channel.write(ByteBuffer.wrap(new byte[] {(byte) (original[i] ^ (1 << (i % 8)))}), i);
        int at = i;
        LazyArrowException e =
            assertThrows(
                LazyArrowException.class,
                () -> {
                  try (ShardFile shard = new ShardFile(file, original.length, 50, allocator)) {
                    shard.verify();
                  }
                },
                () -> "verify passed with byte " + at + " flipped");
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        channel.write(ByteBuffer.wrap(original, i, 1), i);
      }
    }
  }

  /** A read of the train split. */
  private interface Read {
    Object run(Split split);
  }

  private LazyArrowException readFails(Read read) {
    try (LazyDataset ds = LazyDataset.open(dir)) {
      Executable e = () -> read.run(ds.split("train"));
      return assertThrows(LazyArrowException.class, e);
    }
  }

  private void assertVerifyFails(String what) {
    try (LazyDataset ds = LazyDataset.open(dir)) {
      assertMessage(assertThrows(LazyArrowException.class, ds::verify), what);
    }
  }

  private void assertMessage(LazyArrowException e, String... parts) {
    assertTrue(e.getMessage().contains(shard.toString()), e.getMessage());
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }
}
