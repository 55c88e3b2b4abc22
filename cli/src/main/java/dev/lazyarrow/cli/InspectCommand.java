package dev.lazyarrow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.DatasetTokenizer;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code inspect} command. */
@Command(
    name = "inspect",
    header = "Describe a dataset: source, tokenizer, splits, rows and columns.",
    description =
        "Reads the manifest and every shard footer (or stream index entry); no record batch.")
final class InspectCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Mixin DatasetArgument dataset;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (LazyDataset ds = dataset.open(LazyDataset.newBuilder())) {
      ObjectNode root = describe(ds);
      if (json) {
        out.println(JSON.writeValueAsString(root));
      } else {
        printText(root, out);
      }
    }
    out.flush();
    return 0;
  }

  private static ObjectNode describe(LazyDataset ds) throws java.io.IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("path", ds.path().toString());
    ObjectNode source = root.putObject("source");
    ds.source().forEach(source::put);
    ds.tokenizer().ifPresent(t -> describe(t, root.putObject("tokenizer")));
    ArrayNode splits = root.putArray("splits");
    for (Split split : ds.splits()) {
      ObjectNode s = splits.addObject();
      s.put("name", split.name());
      s.put("rows", split.size());
      s.put("shards", split.shardCount());
      s.put("bytes", split.bytes());
      s.put("checksums", split.hasChecksums());
      ArrayNode columns = s.putArray("columns");
      for (Field field : split.schema().getFields()) {
        ObjectNode c = columns.addObject();
        c.put("name", field.getName());
        c.put(
            "arrow_type",
            field.getDictionary() == null ? typeOf(field) : "Dictionary<" + typeOf(field) + ">");
        Feature feature = split.features().get(field.getName());
        if (feature != null) {
          c.set("feature", JSON.readTree(feature.toString()));
        }
      }
    }
    return root;
  }

  private static void describe(DatasetTokenizer tokenizer, ObjectNode out) {
    out.put("file", tokenizer.file().toString());
    out.put("sha256", tokenizer.sha256());
    out.put("vocab_size", tokenizer.vocabSize());
    out.put("ids_column", tokenizer.idsColumn());
    ObjectNode specials = out.putObject("special_tokens");
    tokenizer.specialTokens().forEach(specials::put);
  }

  /** Renders a field's type with its children's, e.g. {@code List<Int(32, true)>}. */
  private static String typeOf(Field field) {
    if (field.getChildren().isEmpty()) {
      return field.getType().toString();
    }
    StringBuilder out = new StringBuilder(field.getType().toString()).append('<');
    for (int i = 0; i < field.getChildren().size(); i++) {
      Field child = field.getChildren().get(i);
      out.append(i == 0 ? "" : ", ")
          .append(field.getType() instanceof ArrowType.Struct ? child.getName() + ": " : "")
          .append(typeOf(child));
    }
    return out.append('>').toString();
  }

  private static void printText(ObjectNode root, PrintWriter out) {
    out.printf("dataset %s%n", root.get("path").asText());
    ObjectNode src = (ObjectNode) root.get("source");
    out.printf(
        "  source: %s %s (written by %s)%n",
        src.get("layout").asText(), src.get("path").asText(), src.get("writer").asText());
    if (root.has("tokenizer")) {
      JsonNode t = root.get("tokenizer");
      out.printf(
          "  tokenizer: %s (sha256 %s), vocabulary of %d, ids in column %s%n",
          t.get("file").asText(),
          t.get("sha256").asText(),
          t.get("vocab_size").asLong(),
          t.get("ids_column").asText());
      StringBuilder specials = new StringBuilder();
      t.get("special_tokens")
          .fields()
          .forEachRemaining(
              e -> specials.append(specials.isEmpty() ? "" : ", ")
                  .append(e.getKey()).append('=').append(e.getValue().asLong()));
      out.printf("  special tokens: %s%n", specials.isEmpty() ? "none" : specials);
    }
    for (var split : root.get("splits")) {
      out.printf(
          "split %s: %s in %s, %s, %s%n",
          split.get("name").asText(),
          Plural.of(split.get("rows").asLong(), "row"),
          Plural.of(split.get("shards").asInt(), "shard"),
          Plural.of(split.get("bytes").asLong(), "byte"),
          split.get("checksums").asBoolean() ? "CRC32C checksums" : "no checksums");
      for (var c : split.get("columns")) {
        String feature = c.has("feature") ? "  " + c.get("feature") : "";
        out.printf("  %-20s %s%s%n", c.get("name").asText(), c.get("arrow_type").asText(), feature);
      }
    }
  }
}
