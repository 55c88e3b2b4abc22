package dev.lazyarrow.internal.format;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The manifest of a LazyArrow dataset directory, {@code lazyarrow.json}: everything opening needs.
 *
 * <p>Format versions 1 and 2, fields in the order {@link #read} checks them:
 *
 * <pre>
 * {
 *   "format": "lazyarrow",                  constant, tells the file apart from other JSON
 *   "version": 1,                           1, or 2 when a shard has "stream"; a reader refuses
 *                                           versions it does not know
 *   "writer": "lazyarrow 0.1.0",            what wrote the dataset, for diagnosis only
 *   "source": {"layout": "save_to_disk",    where the rows came from, for diagnosis only
 *              "path": "/data/emotion",
 *              "fingerprint": "8dad66a9"},
 *   "splits": [                             in the order the source lists them
 *     {"name": "train",                     unique; [A-Za-z0-9_.-]+
 *      "rows": 3000,                        the sum of the shards' rows
 *      "features": {...},                   the HuggingFace features JSON, or null
 *      "format_columns": ["text", "label"], optional: the columns a row shows, as the source's
 *                                           with_format(columns=[...]) saved them; all if absent
 *      "shards": [                          in row order; at least one, even for zero rows
 *        {"path": "train/part-00000.arrow", relative, resolving inside the dataset directory
 *         "rows": 1000,                     rows in the file's record batches
 *         "bytes": 123456,                  the file's exact size
 *         "stream": {                       version 2 only, and only for an Arrow IPC *stream*
 *                                           served in place by {@code lazyarrow index}; absent
 *                                           for an IPC file, which its footer indexes
 *           "modified": 1700000000123456789, the file's modification time in ns when indexed
 *           "index": [8, 24048]}}]}],       offset and length of its entry in lazyarrow.index
 *   "tokenizer": {...}                      optional: the tokenizer of the ids, described and
 *                                           bounded in {@link TokenizerRecord}
 * }
 * </pre>
 *
 * <p>The reader is strict, since every byte of the file is untrusted ({@link ManifestReader}): one
 * JSON object and nothing after it, no key twice; {@code version} a JSON integer ({@code "1"},
 * {@code 1.5} and {@code true} are refused); every count, size, offset and time a JSON integer in
 * range ({@code rows} and {@code bytes} 0 to 2^63-1, {@code index} length 0 to 2^31-1), never a
 * string, float or boolean; every name and path a JSON string; split names and each {@code
 * /}-separated component of a shard path plain names ({@link Names}); a split's rows the exact sum
 * of its shards' (an overflowing sum is refused); features valid HuggingFace features. The file
 * must be a regular file of at most 64 MiB and {@link HeapLimits#maxManifestTokens()} JSON
 * tokens, reached without a symbolic link, and a shard is opened only if it is reached the same
 * way, so nothing outside the dataset directory is read.
 *
 * <p>Nothing in it grows with the number of rows, so reading it is the whole cost of opening. It is
 * written last, through a temporary name and a rename: its presence marks a complete dataset. The
 * sidecar {@value #INDEX_FILE_NAME} of an indexed dataset is documented beside its reader, {@code
 * dev.lazyarrow.internal.ipc.StreamIndex}; a stream whose size or modification time no longer matches the
 * manifest is refused when first touched.
 */
public final class Manifest {
  /** The manifest's file name inside a dataset directory. */
  public static final String FILE_NAME = "lazyarrow.json";

  /** The sidecar of an indexed dataset, beside the manifest: where each stream's batches lie. */
  public static final String INDEX_FILE_NAME = "lazyarrow.index";

  /** The format version of datasets whose shards are all IPC files. */
  public static final int VERSION = 1;

  /** The format version of datasets with indexed IPC stream shards. */
  public static final int STREAM_VERSION = 2;

  static final String FORMAT = "lazyarrow";

  /**
   * The longest manifest read: some 500,000 shards. It may also hold at most {@link
   * HeapLimits#maxManifestTokens()} JSON tokens, counted before any is kept.
   */
  public static final int MAX_BYTES = 64 << 20;

  /** The JSON tokens of one shard entry: its object's start and end, three names and values. */
  private static final int SHARD_TOKENS = 8;

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /**
   * One shard file of a split.
   *
   * @param stream null for an IPC file; where an IPC stream's index entry lies otherwise
   */
  public record Shard(String path, long rows, long bytes, Stream stream) {
    /** Describes an IPC file shard. */
    public Shard(String path, long rows, long bytes) {
      this(path, rows, bytes, null);
    }
  }

  /**
   * How an IPC stream shard is served in place: the modification time it had when indexed, and the
   * byte range of its entry in {@value #INDEX_FILE_NAME}.
   */
  public record Stream(long modifiedNanos, long indexOffset, int indexLength) {}

  /**
   * One split: its name, row count, features, shards, and the columns that its saved format shows.
   *
   * @param formatColumns the columns that {@code datasets} returns for a row of this split, as
   *     {@code with_format(columns=[...])} saved them; null for every column
   */
  public record SplitEntry(
      String name, long rows, JsonNode features, List<Shard> shards, List<String> formatColumns) {
    /** Creates a split entry, copying the lists. */
    public SplitEntry {
      shards = List.copyOf(shards);
      formatColumns = formatColumns == null ? null : List.copyOf(formatColumns);
    }

    /** Creates a split entry whose rows show every column. */
    public SplitEntry(String name, long rows, JsonNode features, List<Shard> shards) {
      this(name, rows, features, shards, null);
    }
  }

  /** Where a dataset's rows came from. */
  public record Source(String layout, String path, String fingerprint) {}

  private final String writer;
  private final Source source;
  private final List<SplitEntry> splits;
  private final TokenizerRecord tokenizer;

  /** Creates a manifest without a tokenizer; {@link #write} and {@link #read} check it. */
  public Manifest(String writer, Source source, List<SplitEntry> splits) {
    this(writer, source, splits, null);
  }

  /**
   * Creates a manifest; {@link #write} and {@link #read} check it.
   *
   * @param tokenizer the tokenizer the ids were made with, or null
   */
  public Manifest(
      String writer, Source source, List<SplitEntry> splits, TokenizerRecord tokenizer) {
    this.writer = writer;
    this.source = source;
    this.splits = List.copyOf(splits);
    this.tokenizer = tokenizer;
  }

  /** Returns the tokenizer the dataset's ids were made with, or null if none is recorded. */
  public TokenizerRecord tokenizer() {
    return tokenizer;
  }

  /** Returns what wrote the dataset. */
  public String writer() {
    return writer;
  }

  /** Returns where the rows came from. */
  public Source source() {
    return source;
  }

  /** Returns the splits in their order. */
  public List<SplitEntry> splits() {
    return splits;
  }

  /**
   * Reads and checks the manifest of the dataset directory {@code dir}; touches no other file.
   *
   * @throws LazyArrowException if the manifest is missing, not a regular file, not valid JSON, of
   *     another format or version, or inconsistent (counts that do not add up, a path outside
   *     {@code dir}, features that are not valid HuggingFace features)
   */
  public static Manifest read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new LazyArrowException(
          dir.resolve(FILE_NAME), "no manifest: not a LazyArrow dataset (convert it first)");
    }
    Path file = SafeFiles.realDirectory(dir).resolve(FILE_NAME);
    JsonNode root;
    try (FileChannel channel = SafeFiles.openUnlinked(file)) {
      if (channel.size() > MAX_BYTES) {
        throw new LazyArrowException(
            file,
            "manifest is " + channel.size() + " bytes; more than " + MAX_BYTES + " is refused");
      }
      countTokens(file, JSON.getFactory().createParser(Channels.newInputStream(channel)));
      root = JSON.readTree(Channels.newInputStream(channel.position(0)));
    } catch (NoSuchFileException e) {
      throw new LazyArrowException(file, "no manifest: not a LazyArrow dataset (convert it first)");
    } catch (IOException e) {
      throw new LazyArrowException(file, "manifest is not valid JSON: " + e.getMessage(), e);
    }
    return ManifestReader.parse(file, root);
  }

  /**
   * Parses and checks a manifest read from elsewhere (an object in object storage) whose name in
   * errors is {@code file}.
   *
   * @throws LazyArrowException as {@link #read} does
   */
  public static Manifest parse(Path file, byte[] json) {
    JsonNode root;
    try {
      countTokens(file, JSON.getFactory().createParser(json));
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new LazyArrowException(file, "manifest is not valid JSON: " + e.getMessage(), e);
    }
    return ManifestReader.parse(file, root);
  }

  /**
   * Reads every token {@code parser} yields, without keeping one, and refuses more than {@link
   * HeapLimits#maxManifestTokens()}: the tree they would be read into is what the heap must hold.
   * Leaves the parser's source open.
   */
  private static void countTokens(Path file, JsonParser parser) throws IOException {
    parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    long max = HeapLimits.maxManifestTokens();
    long tokens = 0;
    while (parser.nextToken() != null) {
      if (++tokens > max) {
        throw new LazyArrowException(
            file,
            "manifest holds more than "
                + max
                + " JSON tokens (some "
                + max / SHARD_TOKENS
                + " shard entries), more than a heap of "
                + HeapLimits.heapMiB()
                + " MiB holds; give the JVM more heap (-Xmx)");
      }
    }
  }

  /**
   * Writes this manifest into {@code dir}, atomically: a reader sees no manifest or the whole one.
   *
   * @throws IOException if the file cannot be written
   * @throws LazyArrowException if the manifest is inconsistent
   */
  public void write(Path dir) throws IOException {
    check(dir, dir.resolve(FILE_NAME));
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    boolean streams =
        splits.stream().flatMap(s -> s.shards().stream()).anyMatch(s -> s.stream() != null);
    root.put("version", streams ? STREAM_VERSION : VERSION);
    root.put("writer", writer);
    ObjectNode src = root.putObject("source");
    src.put("layout", source.layout());
    src.put("path", source.path());
    src.put("fingerprint", source.fingerprint());
    ArrayNode splitsNode = root.putArray("splits");
    for (SplitEntry split : splits) {
      ObjectNode s = splitsNode.addObject();
      s.put("name", split.name());
      s.put("rows", split.rows());
      s.set("features", split.features());
      if (split.formatColumns() != null) {
        split.formatColumns().forEach(s.putArray("format_columns")::add);
      }
      ArrayNode shards = s.putArray("shards");
      for (Shard shard : split.shards()) {
        ObjectNode sh =
            shards
                .addObject()
                .put("path", shard.path())
                .put("rows", shard.rows())
                .put("bytes", shard.bytes());
        if (shard.stream() != null) {
          ObjectNode st = sh.putObject("stream").put("modified", shard.stream().modifiedNanos());
          st.putArray("index").add(shard.stream().indexOffset()).add(shard.stream().indexLength());
        }
      }
    }
    if (tokenizer != null) {
      tokenizer.write(root);
    }
    SafeFiles.replace(dir, FILE_NAME, JSON.writeValueAsBytes(root));
  }

  /**
   * Resolves a shard's relative path against {@code dir}, refusing any path that could leave it:
   * the path must be relative, its {@code /}-separated components plain names ({@link Names}).
   */
  public static Path resolveInside(Path dir, String relative, Path manifestFile) {
    if (relative == null || relative.startsWith("/")) {
      throw new LazyArrowException(
          manifestFile,
          "shard path "
              + Names.quote(relative)
              + " must be relative and inside the dataset directory");
    }
    Path resolved = dir.toAbsolutePath().normalize();
    for (String component : relative.split("/", -1)) {
      if (!Names.isPlain(component)) {
        throw new LazyArrowException(
            manifestFile,
            "shard path "
                + Names.quote(relative)
                + " must be relative and inside the dataset directory: its part "
                + Names.quote(component)
                + " is not a plain name");
      }
      resolved = resolved.resolve(component);
    }
    return resolved;
  }

  /** Checks the manifest's consistency, blaming {@code file} for a fault. */
  void check(Path dir, Path file) {
    Checker check = new Checker(file);
    check.require(!splits.isEmpty(), "the manifest lists no splits");
    if (tokenizer != null) {
      tokenizer.check(file);
    }
    Set<String> names = new HashSet<>();
    for (SplitEntry split : splits) {
      String name = Names.requirePlain(file, "split name", split.name());
      check.require(names.add(name), "split '" + name + "' is listed twice");
      check.require(
          !split.shards().isEmpty(),
          "split '" + name + "' lists no shards (an empty split has one empty shard)");
      long sum = 0;
      for (Shard shard : split.shards()) {
        check.require(
            shard.rows() >= 0 && shard.bytes() >= 0,
            "shard "
                + Names.quote(shard.path())
                + " must have rows >= 0 and bytes >= 0, found rows="
                + shard.rows()
                + " bytes="
                + shard.bytes());
        resolveInside(dir, shard.path(), file);
        Stream st = shard.stream();
        check.require(
            st == null || st.indexOffset() >= 0 && st.indexLength() >= 0,
            "shard " + Names.quote(shard.path()) + " has a negative index range " + st);
        try {
          sum = Math.addExact(sum, shard.rows());
        } catch (ArithmeticException e) {
          throw new LazyArrowException(
              file, "the rows of split '" + name + "' add up to more than " + Long.MAX_VALUE);
        }
      }
      check.require(
          sum == split.rows(),
          "split '" + name + "' says " + split.rows() + " rows but its shards hold " + sum);
      if (split.features() != null) {
        try {
          Feature.parseAll(split.features().toString());
        } catch (IllegalArgumentException e) {
          throw new LazyArrowException(
              file, "the features of split '" + name + "' are invalid: " + e.getMessage(), e);
        }
      }
    }
  }

  /** Raises a consistency failure as a {@link LazyArrowException} naming the manifest. */
  private record Checker(Path file) {
    void require(boolean condition, String message) {
      if (!condition) {
        throw new LazyArrowException(file, message);
      }
    }
  }
}
