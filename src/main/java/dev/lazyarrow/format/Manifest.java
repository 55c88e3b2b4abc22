package dev.lazyarrow.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
 *           "index": [8, 24048]}}]}]        offset and length of its entry in lazyarrow.index
 * }
 * </pre>
 *
 * <p>Nothing in it grows with the number of rows, so reading it is the whole cost of opening. It is
 * written last, through a temporary name and a rename: its presence marks a complete dataset. The
 * sidecar {@value #INDEX_FILE_NAME} of an indexed dataset is documented beside its reader, {@code
 * dev.lazyarrow.io.StreamIndex}; a stream whose size or modification time no longer matches the
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

  private static final String FORMAT = "lazyarrow";
  private static final Pattern SPLIT_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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

  /** Creates a manifest; {@link #write} and {@link #read} check it. */
  public Manifest(String writer, Source source, List<SplitEntry> splits) {
    this.writer = writer;
    this.source = source;
    this.splits = List.copyOf(splits);
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
   * @throws LazyArrowException if the manifest is missing, not valid JSON, of another format or
   *     version, or inconsistent (counts that do not add up, a path outside {@code dir})
   */
  public static Manifest read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new LazyArrowException(file, "no manifest: not a LazyArrow dataset (convert it first)");
    } catch (IOException e) {
      throw new LazyArrowException(file, "manifest is not valid JSON: " + e.getMessage(), e);
    }
    Checker check = new Checker(file);
    check.require(root != null && root.isObject(), "manifest is not a JSON object");
    check.require(
        FORMAT.equals(root.path("format").asText()),
        "field 'format' must be \"lazyarrow\", found " + root.get("format"));
    int version = root.path("version").asInt(-1);
    check.require(
        version == VERSION || version == STREAM_VERSION,
        "unsupported format version "
            + root.get("version")
            + "; this reader supports "
            + VERSION
            + " and "
            + STREAM_VERSION);
    JsonNode src = root.path("source");
    Source source =
        new Source(
            src.path("layout").asText(""),
            src.path("path").asText(""),
            src.path("fingerprint").asText(""));
    JsonNode splitsNode = root.path("splits");
    check.require(splitsNode.isArray(), "field 'splits' must be an array");
    List<SplitEntry> splits = new ArrayList<>();
    for (JsonNode s : splitsNode) {
      List<Shard> shards = new ArrayList<>();
      for (JsonNode sh : s.path("shards")) {
        JsonNode st = sh.get("stream");
        check.require(
            st == null || version == STREAM_VERSION,
            "shard "
                + sh.get("path")
                + " has field 'stream', which needs version "
                + STREAM_VERSION);
        JsonNode range = st == null ? null : st.path("index");
        check.require(
            st == null || range.isArray() && range.size() == 2,
            "field 'stream' of shard " + sh.get("path") + " must have 'index': [offset, length]");
        Stream stream =
            st == null
                ? null
                : new Stream(
                    st.path("modified").asLong(), range.get(0).asLong(-1), range.get(1).asInt(-1));
        shards.add(
            new Shard(
                sh.path("path").asText(null),
                sh.path("rows").asLong(-1),
                sh.path("bytes").asLong(-1),
                stream));
      }
      JsonNode features = s.get("features");
      splits.add(
          new SplitEntry(
              s.path("name").asText(null),
              s.path("rows").asLong(-1),
              features == null || features.isNull() ? null : features,
              shards,
              formatColumns(s.get("format_columns"), check)));
    }
    Manifest manifest = new Manifest(root.path("writer").asText(""), source, splits);
    manifest.check(dir, check);
    return manifest;
  }

  /**
   * Writes this manifest into {@code dir}, atomically: a reader sees no manifest or the whole one.
   *
   * @throws IOException if the file cannot be written
   * @throws LazyArrowException if the manifest is inconsistent
   */
  public void write(Path dir) throws IOException {
    check(dir, new Checker(dir.resolve(FILE_NAME)));
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
    Path tmp = dir.resolve(FILE_NAME + ".tmp");
    JSON.writeValue(tmp.toFile(), root);
    try {
      Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Resolves a shard's relative path against {@code dir}, refusing any path that leaves it. */
  public static Path resolveInside(Path dir, String relative, Path manifestFile) {
    Path base = dir.toAbsolutePath().normalize();
    Path rel;
    try {
      rel = Path.of(relative);
    } catch (java.nio.file.InvalidPathException e) {
      throw new LazyArrowException(manifestFile, "invalid shard path '" + relative + "'");
    }
    Path resolved = base.resolve(rel).normalize();
    if (rel.isAbsolute() || !resolved.startsWith(base) || resolved.equals(base)) {
      throw new LazyArrowException(
          manifestFile,
          "shard path '" + relative + "' must be relative and inside the dataset directory");
    }
    return resolved;
  }

  private void check(Path dir, Checker check) {
    check.require(!splits.isEmpty(), "the manifest lists no splits");
    Set<String> names = new HashSet<>();
    for (SplitEntry split : splits) {
      String name = split.name();
      check.require(
          name != null && SPLIT_NAME.matcher(name).matches(),
          "split name must match " + SPLIT_NAME + ", found '" + name + "'");
      check.require(names.add(name), "split '" + name + "' is listed twice");
      check.require(
          !split.shards().isEmpty(),
          "split '" + name + "' lists no shards (an empty split has one empty shard)");
      long sum = 0;
      for (Shard shard : split.shards()) {
        check.require(shard.path() != null, "a shard of split '" + name + "' has no path");
        check.require(
            shard.rows() >= 0 && shard.bytes() >= 0,
            "shard '"
                + shard.path()
                + "' must have rows >= 0 and bytes >= 0, found rows="
                + shard.rows()
                + " bytes="
                + shard.bytes());
        resolveInside(dir, shard.path(), check.file);
        Stream st = shard.stream();
        check.require(
            st == null || st.indexOffset() >= 0 && st.indexLength() >= 0,
            "shard '" + shard.path() + "' has a negative index range " + st);
        sum += shard.rows();
      }
      check.require(
          sum == split.rows(),
          "split '" + name + "' says " + split.rows() + " rows but its shards hold " + sum);
    }
  }

  /** Reads a split's optional "format_columns": absent or null for every column. */
  private static List<String> formatColumns(JsonNode node, Checker check) {
    if (node == null || node.isNull()) {
      return null;
    }
    check.require(node.isArray(), "field 'format_columns' must be an array of column names");
    List<String> columns = new ArrayList<>();
    for (JsonNode c : node) {
      check.require(c.isTextual(), "field 'format_columns' holds " + c + ", not a column name");
      columns.add(c.asText());
    }
    return columns;
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
