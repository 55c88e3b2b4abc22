package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Memory;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Manifest;
import dev.lazyarrow.internal.ipc.Codecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Converts a dataset from the layout a user has on disk into a LazyArrow dataset directory.
 *
 * <p>The output is built in a temporary folder beside {@code out} and renamed into place only when
 * complete, manifest last: a conversion that fails or is killed leaves {@code out} absent, or as it
 * was. Memory stays bounded by a few record batches whatever the source's size.
 */
public final class Converter {
  /** The record batch bound used unless {@link Builder#batchBytes} says otherwise: 4 MiB. */
  public static final long DEFAULT_BATCH_BYTES = 4L << 20;

  /** The shard size after which a new shard begins, unless set otherwise: 512 MiB. */
  public static final long DEFAULT_SHARD_BYTES = 512L << 20;

  /** What the manifest records as the writer. */
  public static final String WRITER = "lazyarrow 0.1.0";

  private static final Progress SILENT =
      new Progress() {
        @Override
        public void start(long totalBytes) {}

        @Override
        public void advance(long rows, long bytes) {}

        @Override
        public void finish() {}
      };

  /**
   * What a conversion reports as it goes, for a progress bar; called from the converting thread.
   */
  public interface Progress {
    /** Called once before any row is read, with the bytes of every source file to read. */
    void start(long totalBytes);

    /** Called after each record batch with the rows and source bytes read since the last call. */
    void advance(long rows, long bytes);

    /** Called once when the conversion ends, whether it succeeded or not. */
    void finish();

    /** Called after each tokenized batch with the ids it gave; ignored by default. */
    default void tokens(long ids) {}
  }

  /** Shard compression: none (zero-copy reads) or ZSTD (smaller, decompressed on load). */
  public enum Compression {
    NONE,
    ZSTD;

    /** Returns Arrow's codec type for this compression. */
    public CompressionUtil.CodecType codec() {
      return this == ZSTD
          ? CompressionUtil.CodecType.ZSTD
          : CompressionUtil.CodecType.NO_COMPRESSION;
    }
  }

  /**
   * What a conversion (or {@link Indexer#index}) wrote.
   *
   * @param out the dataset directory
   * @param layout the source's layout, as the manifest records it
   * @param splits each split written, in manifest order
   */
  public record Result(Path out, String layout, List<SplitWritten> splits) {
    /** Makes the result of writing the manifest entries {@code entries}. */
    static Result of(Path out, String layout, List<Manifest.SplitEntry> entries) {
      return new Result(
          out,
          layout,
          entries.stream()
              .map(e -> new SplitWritten(e.name(), e.rows(), e.shards().size()))
              .toList());
    }

    /** Returns the rows written over all splits. */
    public long rows() {
      return splits.stream().mapToLong(SplitWritten::rows).sum();
    }
  }

  /**
   * One split a conversion wrote.
   *
   * @param name the split's name
   * @param rows its rows
   * @param shards its shard files (for an indexed source, the stream files served in place)
   */
  public record SplitWritten(String name, long rows, int shards) {}

  private final long batchBytes;
  private final long shardBytes;
  private final Compression compression;
  private final boolean overwrite;
  private final Set<String> onlySplits;
  private final String config;
  private final Progress progress;
  private final Tokenization tokenization;

  private Converter(Builder b) {
    this.batchBytes = b.batchBytes;
    this.shardBytes = b.shardBytes;
    this.compression = b.compression;
    this.overwrite = b.overwrite;
    this.onlySplits = Set.copyOf(b.splits);
    this.config = b.config;
    this.progress = b.progress;
    this.tokenization = b.tokenization;
  }

  /** Returns a builder of converters. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Converts {@code source} into the dataset directory {@code out}.
   *
   * @throws LazyArrowException if the source is of no known layout or its data is bad, or the JVM
   *     denies the memory access Arrow needs (the message names the flag)
   * @throws IllegalArgumentException if {@code out} is {@code source}, lies inside it or holds it
   *     (symbolic links resolved), if {@code out} exists and overwriting was not asked for, a
   *     requested split or config is not in the source, or the source has several configs and none
   *     was chosen
   * @throws IOException if the output cannot be written
   */
  public Result convert(Path source, Path out) throws IOException {
    if (!Files.exists(source)) {
      throw new LazyArrowException(source, "source does not exist");
    }
    requireOut(source, out);
    Layouts.Found found = Layouts.find(source, config);
    return write(source, out, found.layout(), found.splits());
  }

  /**
   * Tokenizes the LazyArrow dataset {@code dataset} (converted, or indexed in place) into the new
   * dataset directory {@code out}: every split, or those chosen with {@link Builder#split}, with
   * the ids column of {@link Builder#tokenize} beside the dataset's own columns.
   *
   * @throws IllegalStateException if no tokenization was set
   * @throws LazyArrowException if the dataset or the tokenizer is bad, as {@link #convert} says
   * @throws IllegalArgumentException as {@link #convert} says
   * @throws IOException if the output cannot be written
   */
  public Result tokenize(Path dataset, Path out) throws IOException {
    if (tokenization == null) {
      throw new IllegalStateException("tokenize needs a tokenization: call Builder.tokenize first");
    }
    requireOut(dataset, out);
    return write(dataset, out, DatasetSplits.LAYOUT, DatasetSplits.of(dataset));
  }

  private void requireOut(Path source, Path out) throws IOException {
    Staging.requireApart(source, out);
    if (Files.exists(out, LinkOption.NOFOLLOW_LINKS) && !overwrite) {
      throw new IllegalArgumentException(
          "output " + out + " exists; pass --overwrite to replace it");
    }
  }

  private Result write(Path source, Path out, String layout, List<SourceSplit> all)
      throws IOException {
    Memory.requireAccess(source);
    Codecs.INSTANCE.createCodec(
        codec()); // fails now, not mid-way, if its native library will not load
    Tokenizing tokenizing = tokenization == null ? null : Tokenizing.check(tokenization);
    List<SourceSplit> splits = select(all, source);
    long total = 0;
    for (SourceSplit split : splits) {
      for (Path file : split.files()) {
        total += Files.size(file);
      }
    }
    Path tmp = Staging.create(out);
    progress.start(total);
    try (BufferAllocator allocator = new RootAllocator()) {
      if (tokenizing != null) {
        tokenizing.start(tmp);
      }
      SplitConversion conversion =
          new SplitConversion(tmp, allocator, batchBytes, shardBytes, codec(), progress, tokenizing);
      List<Manifest.SplitEntry> entries = new ArrayList<>();
      for (SourceSplit split : splits) {
        entries.add(conversion.convert(split));
      }
      String fingerprint = splits.size() == 1 ? splits.get(0).fingerprint() : "";
      Manifest manifest =
          new Manifest(
              WRITER,
              new Manifest.Source(layout, source.toAbsolutePath().toString(), fingerprint),
              entries,
              tokenizing == null ? null : tokenizing.record());
      manifest.write(tmp);
      Staging.publish(tmp, out);
      return Result.of(out, layout, entries);
    } catch (IOException | RuntimeException | Error e) {
      Staging.delete(tmp);
      throw e;
    } finally {
      if (tokenizing != null) {
        tokenizing.close();
      }
      progress.finish();
    }
  }

  private List<SourceSplit> select(List<SourceSplit> all, Path source) {
    if (onlySplits.isEmpty()) {
      return all;
    }
    Set<String> names = new LinkedHashSet<>();
    all.forEach(s -> names.add(s.name()));
    for (String wanted : onlySplits) {
      if (!names.contains(wanted)) {
        throw new IllegalArgumentException(
            "no split '" + wanted + "' in " + source + "; splits are " + names);
      }
    }
    return all.stream().filter(s -> onlySplits.contains(s.name())).toList();
  }

  private CompressionUtil.CodecType codec() {
    return compression.codec();
  }

  /** Options of a conversion. */
  public static final class Builder {
    private long batchBytes = DEFAULT_BATCH_BYTES;
    private long shardBytes = DEFAULT_SHARD_BYTES;
    private Compression compression = Compression.NONE;
    private boolean overwrite;
    private final Set<String> splits = new LinkedHashSet<>();
    private String config;
    private Progress progress = SILENT;
    private Tokenization tokenization;

    private Builder() {}

    /** Adds to each row the token ids of its text, as {@code tokenization} says. */
    public Builder tokenize(Tokenization tokenization) {
      this.tokenization = Objects.requireNonNull(tokenization, "tokenization");
      return this;
    }

    /**
     * Converts config {@code name} of a source with several (Hub Parquet); without it, the config
     * {@code default} or the only one is converted.
     */
    public Builder config(String name) {
      this.config = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Reports the conversion's progress to {@code progress}; silent by default. */
    public Builder progress(Progress progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * Bounds each record batch to {@code bytes} (a single larger row still makes its own batch).
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder batchBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("batch bytes must be positive: " + bytes);
      }
      this.batchBytes = bytes;
      return this;
    }

    /**
     * Starts a new shard once the current one holds {@code bytes}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public Builder shardBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("shard bytes must be positive: " + bytes);
      }
      this.shardBytes = bytes;
      return this;
    }

    /** Sets the shards' compression. */
    public Builder compression(Compression compression) {
      this.compression = Objects.requireNonNull(compression, "compression");
      return this;
    }

    /** Replaces an existing output instead of refusing it. */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /** Converts only the split {@code name}; may be called for several splits. */
    public Builder split(String name) {
      splits.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /** Returns the converter. */
    public Converter build() {
      return new Converter(this);
    }
  }
}
