package dev.lazyarrow.internal.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a manifest's JSON into a {@link Manifest}, field by field in the order of the format
 * described there, refusing every value of the wrong JSON type or out of range: a count is a JSON
 * integer, never a string, float, boolean or a number beyond its Java type.
 */
public final class ManifestReader {
  private final Path file;

  private ManifestReader(Path file) {
    this.file = file;
  }

  /** Parses and checks the manifest {@code root} read from {@code file}, in the folder above it. */
  static Manifest parse(Path file, JsonNode root) {
    ManifestReader r = new ManifestReader(file);
    r.require(root != null && root.isObject(), "manifest is not a JSON object");
    JsonNode format = root.get("format");
    r.require(
        format != null && format.isTextual() && Manifest.FORMAT.equals(format.textValue()),
        "field 'format' must be \"lazyarrow\", found " + format);
    JsonNode versionNode = root.get("version");
    long version =
        versionNode != null && versionNode.isIntegralNumber() && versionNode.canConvertToLong()
            ? versionNode.longValue()
            : -1;
    r.require(
        version == Manifest.VERSION || version == Manifest.STREAM_VERSION,
        "unsupported format version "
            + versionNode
            + "; this reader supports "
            + Manifest.VERSION
            + " and "
            + Manifest.STREAM_VERSION);
    JsonNode src = root.get("source");
    r.require(src == null || src.isObject(), "field 'source' must be an object");
    Manifest.Source source =
        new Manifest.Source(
            r.optionalText(src, "layout"),
            r.optionalText(src, "path"),
            r.optionalText(src, "fingerprint"));
    JsonNode splitsNode = root.get("splits");
    r.require(splitsNode != null && splitsNode.isArray(), "field 'splits' must be an array");
    List<Manifest.SplitEntry> splits = new ArrayList<>();
    for (JsonNode s : splitsNode) {
      r.require(s.isObject(), "each split must be a JSON object, found " + s.getNodeType());
      String name = r.text(s, "name", "a split");
      String where = "split '" + name + "'";
      JsonNode shardsNode = s.get("shards");
      r.require(
          shardsNode != null && shardsNode.isArray(), where + ": field 'shards' must be an array");
      List<Manifest.Shard> shards = new ArrayList<>();
      for (JsonNode sh : shardsNode) {
        shards.add(r.shard(sh, where, version));
      }
      JsonNode features = s.get("features");
      r.require(
          features == null || features.isNull() || features.isObject(),
          where + ": field 'features' must be an object or null");
      splits.add(
          new Manifest.SplitEntry(
              name,
              r.integer(s, "rows", where, Long.MAX_VALUE),
              features == null || features.isNull() ? null : features,
              shards,
              r.formatColumns(s.get("format_columns"), where)));
    }
    Manifest manifest =
        new Manifest(
            r.optionalText(root, "writer"),
            source,
            splits,
            TokenizerRecord.read(file, root.get("tokenizer")));
    manifest.check(file.getParent(), file);
    return manifest;
  }

  private Manifest.Shard shard(JsonNode sh, String split, long version) {
    require(sh.isObject(), split + ": each shard must be a JSON object, found " + sh.getNodeType());
    String path = text(sh, "path", split + ": a shard");
    String where = split + ", shard " + Names.quote(path);
    JsonNode st = sh.get("stream");
    Manifest.Stream stream = null;
    if (st != null) {
      require(
          version == Manifest.STREAM_VERSION,
          where + ": field 'stream' needs version " + Manifest.STREAM_VERSION);
      require(st.isObject(), where + ": field 'stream' must be an object");
      JsonNode range = st.get("index");
      require(
          range != null && range.isArray() && range.size() == 2,
          where + ": field 'stream' must have 'index': [offset, length]");
      stream =
          new Manifest.Stream(
              integer(
                  st.get("modified"), where + ": field 'modified'", Long.MIN_VALUE, Long.MAX_VALUE),
              integer(range.get(0), where + ", index offset", 0, Long.MAX_VALUE),
              (int) integer(range.get(1), where + ", index length", 0, Integer.MAX_VALUE));
    }
    return new Manifest.Shard(
        path,
        integer(sh, "rows", where, Long.MAX_VALUE),
        integer(sh, "bytes", where, Long.MAX_VALUE),
        stream);
  }

  /** Returns a diagnostic string field, "" if absent; it may not be of another type. */
  /** Reads a split's optional "format_columns": absent or null for every column. */
  private List<String> formatColumns(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    require(node.isArray(), where + ": field 'format_columns' must be an array of column names");
    List<String> columns = new ArrayList<>();
    for (JsonNode c : node) {
      require(c.isTextual(), where + ": field 'format_columns' holds " + c + ", not a name");
      columns.add(c.textValue());
    }
    return columns;
  }

  private String optionalText(JsonNode parent, String field) {
    JsonNode node = parent == null ? null : parent.get(field);
    return node == null ? "" : text(parent, field, "the manifest");
  }

  private String text(JsonNode parent, String field, String where) {
    JsonNode node = parent.get(field);
    require(
        node != null && node.isTextual(),
        where + ": field '" + field + "' must be a string, found " + describe(node));
    return node.textValue();
  }

  private long integer(JsonNode parent, String field, String where, long max) {
    return integer(parent.get(field), where + ": field '" + field + "'", 0, max);
  }

  /** Returns a JSON integer from {@code min} to {@code max}; refuses any other value. */
  private long integer(JsonNode node, String what, long min, long max) {
    String rule = what + " must be a JSON integer from " + min + " to " + max + ", found ";
    require(
        node != null && node.isIntegralNumber() && node.canConvertToLong(), rule + describe(node));
    long value = node.longValue();
    require(value >= min && value <= max, rule + value);
    return value;
  }

  private static String describe(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    String text = node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }

  private void require(boolean condition, String message) {
    if (!condition) {
      throw new LazyArrowException(file, message);
    }
  }
}
