package dev.lazyarrow.internal.read;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.convert.Indexer;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.Checksums;
import dev.lazyarrow.internal.ipc.StreamIndex;
import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.ShardBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reproductions of issue 9 on streams served in place: the {@code save_single} fixture (one
 * stream of 24 batches) indexed, its sidecar or stream damaged. Sidecar records are changed with
 * their entry checksum made right again, as a deliberate edit would, to show the layout checks
 * alone catch them.
 */
class DamagedIndexTest {
  @TempDir Path tmp;
  private Path source;
  private Path stream;
  private Path sidecar;
  private int entryOffset;
  private int entryLength;

  @BeforeEach
  void index() throws IOException {
    source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    Indexer.index(source);
    Manifest.Shard shard = Manifest.read(source).splits().get(0).shards().get(0);
    stream = source.resolve(shard.path());
    sidecar = source.resolve(Manifest.INDEX_FILE_NAME);
    entryOffset = (int) shard.stream().indexOffset();
    entryLength = shard.stream().indexLength();
  }

  @Test
  void get_indexRecordsSwapped_isRefusedAsReordered() throws IOException {
    ByteBuffer entry = entry();
    byte[] first = new byte[StreamIndex.BATCH_BYTES];
    byte[] second = new byte[StreamIndex.BATCH_BYTES];
    entry.get(batchRecord(0), first).get(batchRecord(1), second);
    entry.put(batchRecord(0), second).put(batchRecord(1), first);
    writeEntry(entry, true);
    assertReadFails(sidecar, "record batch 0 of", "(records reordered or shifted)");
  }

  @Test
  void get_indexOffsetNudgedByOne_isRefusedAsShifted() throws IOException {
    ByteBuffer entry = entry();
    entry.putLong(batchRecord(1), entry.getLong(batchRecord(1)) + 1);
    writeEntry(entry, true);
    assertReadFails(sidecar, "record batch 1 of", "(records reordered or shifted)");
  }

  @Test
  void get_indexBatchRowsSetToZero_isRefused() throws IOException {
    ByteBuffer entry = entry();
    entry.putInt(batchRecord(0) + 20, 0);
    writeEntry(entry, true);
    assertReadFails(stream, "rows, the manifest says");
  }

  @Test
  void get_indexEntryByteFlipped_failsOnTheEntryChecksum() throws IOException {
    ByteBuffer entry = entry();
    entry.put(batchRecord(2) + 9, (byte) (entry.get(batchRecord(2) + 9) ^ 4));
    writeEntry(entry, false);
    assertReadFails(sidecar, "does not match the manifest or its checksum");
  }

  @Test
  void get_indexSidecarIsADirectory_blamesTheSidecar() throws IOException {
    Files.delete(sidecar);
    Files.createDirectory(sidecar);
    assertReadFails(sidecar, "not a regular file but a folder");
  }

  @Test
  void verify_streamBodyChangedKeepingItsTime_failsOnTheBatchChecksum() throws IOException {
    FileTime time = Files.getLastModifiedTime(stream);
    ShardBytes bytes = ShardBytes.ofStream(stream);
    long at = bytes.bufferData(3, 1) + 4;
    bytes.putInt(at, bytes.getInt(at) + 1);
    bytes.write();
    Files.setLastModifiedTime(stream, time);
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, ds::verify);
      assertTrue(e.getMessage().contains(stream.toString()), e.getMessage());
      assertTrue(
          e.getMessage().contains("record batch 3 does not match its checksum"), e.getMessage());
    }
  }

  @Test
  void index_batchLengthOf2To31_failsNamingTheStream() throws IOException {
    ShardBytes bytes = ShardBytes.ofStream(stream);
    bytes.putLong(bytes.batchLength(0), 1L << 31);
    bytes.write();
    LazyArrowException e = assertThrows(LazyArrowException.class, () -> Indexer.index(source));
    assertTrue(e.getMessage().contains(stream.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("claims 2147483648 rows"), e.getMessage());
  }

  private int batchRecord(int batch) {
    return StreamIndex.ENTRY_HEADER + batch * StreamIndex.BATCH_BYTES;
  }

  private ByteBuffer entry() throws IOException {
    byte[] all = Files.readAllBytes(sidecar);
    return ByteBuffer.wrap(all, entryOffset, entryLength).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  private void writeEntry(ByteBuffer entry, boolean fixChecksum) throws IOException {
    if (fixChecksum) {
      entry.putInt(entryLength - 4, Checksums.crc(entry.duplicate().limit(entryLength - 4)));
    }
    byte[] all = Files.readAllBytes(sidecar);
    entry.get(0, all, entryOffset, entryLength);
    Files.write(sidecar, all);
  }

  private void assertReadFails(Path blamed, String... parts) {
    try (LazyDataset ds = LazyDataset.open(source)) {
      LazyArrowException e = assertThrows(LazyArrowException.class, () -> ds.split("train").get(0));
      assertTrue(e.getMessage().contains(blamed.toString()), e.getMessage());
      for (String part : parts) {
        assertTrue(e.getMessage().contains(part), e.getMessage());
      }
    }
  }
}
