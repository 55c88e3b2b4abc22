package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.format.SafeFiles;
import dev.lazyarrow.internal.ipc.Checksums;
import dev.lazyarrow.internal.ipc.StreamIndex;
import dev.lazyarrow.internal.ipc.StreamWalk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Serves the Arrow IPC stream files of a {@code save_to_disk} folder or a {@code load_dataset}
 * cache in place: walks their message headers once and writes, beside them, the sidecar {@value
 * Manifest#INDEX_FILE_NAME} (see {@link StreamIndex}) and a manifest whose shards are the stream
 * files themselves. Nothing is copied; the folder then opens as a LazyArrow dataset.
 */
public final class Indexer {
  private Indexer() {}

  /**
   * Indexes the source folder {@code source}, replacing an earlier index of it.
   *
   * @throws LazyArrowException if the source is of neither layout, a stream is corrupt or holds
   *     dictionaries, a split has no data files, or the files of a split differ in schema
   * @throws IOException if the index or the manifest cannot be written
   */
  public static Converter.Result index(Path source) throws IOException {
    Objects.requireNonNull(source, "source");
    Layouts.Found found = Layouts.find(source, null);
    if (!found.layout().equals(SaveToDiskLayout.LAYOUT)
        && !found.layout().equals(CacheLayout.LAYOUT)) {
      throw new LazyArrowException(
          source,
          "only save_to_disk folders and load_dataset caches,"
              + " which hold Arrow IPC streams, can be indexed in place; this is "
              + found.layout()
              + ": convert it instead");
    }
    Path root = SafeFiles.realDirectory(source); // the data files' paths are real paths too
    ByteArrayOutputStream sidecar = new ByteArrayOutputStream();
    sidecar.write(StreamIndex.MAGIC);
    List<Manifest.SplitEntry> entries = new ArrayList<>();
    for (SourceSplit split : found.splits()) {
      if (split.files().isEmpty()) {
        throw new LazyArrowException(
            split.describedBy(),
            "split '" + split.name() + "' has no data files to serve in place; convert it instead");
      }
      List<Manifest.Shard> shards = new ArrayList<>();
      Schema first = null;
      long rows = 0;
      for (Path file : split.files()) {
        StreamWalk.Entry entry = StreamWalk.walk(file);
        if (first == null) {
          first = entry.schema();
        } else if (!first.getFields().equals(entry.schema().getFields())) {
          throw new LazyArrowException(
              file,
              "schema differs from "
                  + split.files().get(0).getFileName()
                  + " of the same split: "
                  + entry.schema().getFields()
                  + " vs "
                  + first.getFields());
        }
        long offset = sidecar.size();
        byte[] bytes = encode(entry);
        sidecar.write(bytes);
        long fileRows = java.util.Arrays.stream(entry.rows()).sum();
        rows += fileRows;
        String path = root.relativize(file).toString().replace('\\', '/');
        shards.add(
            new Manifest.Shard(
                path,
                fileRows,
                entry.bytes(),
                new Manifest.Stream(entry.modifiedNanos(), offset, bytes.length)));
      }
      entries.add(
          new Manifest.SplitEntry(
              split.name(), rows, split.features(), shards, split.formatColumns()));
    }
    SafeFiles.replace(root, Manifest.INDEX_FILE_NAME, sidecar.toByteArray());
    String fingerprint = found.splits().size() == 1 ? found.splits().get(0).fingerprint() : "";
    new Manifest(
            Converter.WRITER,
            new Manifest.Source(found.layout(), source.toAbsolutePath().toString(), fingerprint),
            entries)
        .write(root);
    return Converter.Result.of(source, found.layout(), entries);
  }

  /** Encodes one sidecar entry, field by field in the order {@link StreamIndex} reads them. */
  private static byte[] encode(StreamWalk.Entry entry) {
    int count = entry.batches().size();
    ByteBuffer b =
        ByteBuffer.allocate(
                StreamIndex.ENTRY_HEADER
                    + count * StreamIndex.BATCH_BYTES
                    + StreamIndex.ENTRY_TRAILER)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(entry.bytes()); // the stream's size when indexed
    b.putLong(entry.modifiedNanos()); // its modification time, ns
    b.putInt(entry.schemaLength()); // the schema message's length, prefix included
    b.putInt(count); // record batches
    b.putInt(entry.schemaCrc()); // CRC32C of the schema message
    for (int i = 0; i < count; i++) {
      ArrowBlock block = entry.batches().get(i);
      b.putLong(block.getOffset()); // where the batch's message starts
      b.putInt(block.getMetadataLength()); // prefix and flatbuffer
      b.putLong(block.getBodyLength()); // the body after them
      b.putInt((int) entry.rows()[i]); // rows of the batch, at most Integer.MAX_VALUE (walk checks)
      b.putInt(entry.crcs()[i]); // CRC32C of the batch's message and body
    }
    b.putInt(Checksums.crc(b.duplicate().flip())); // CRC32C of the entry so far
    return b.array();
  }
}
