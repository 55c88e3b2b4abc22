package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --mix}: a mixture of save_dict's train (3,000 rows) and validation (400) splits. */
class PlanMixTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private String train;
  private String validation;

  @BeforeEach
  void convert() {
    String ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
    train = "--mix=" + ds + "#train=0.7";
    validation = "--mix=" + ds + "#validation=0.3";
  }

  private static List<JsonNode> lines(Run run, String start) throws IOException {
    assertEquals(0, run.status(), run.err());
    List<JsonNode> out = new ArrayList<>();
    for (String line : run.out().lines().filter(l -> l.startsWith(start)).toList()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void plan_mix_printsSourceAndRowOfEveryPosition_withinOneOfEveryShare() throws IOException {
    List<JsonNode> batches =
        lines(
            run(
                "plan",
                train,
                validation,
                "--mix-length",
                "200",
                "--order",
                "shuffle",
                "--batch-size",
                "10"),
            "{\"batch\"");
    assertEquals(20, batches.size());
    int positions = 0;
    int fromTrain = 0;
    for (JsonNode b : batches) {
      for (JsonNode row : b.get("rows")) {
        assertEquals(2, row.size(), row.toString());
        int source = row.get(0).asInt();
        assertTrue(row.get(1).asLong() < (source == 0 ? 3000 : 400), row.toString());
        fromTrain += source == 0 ? 1 : 0;
        positions++;
        assertTrue(Math.abs(fromTrain - 0.7 * positions) < 1, "after " + positions);
      }
    }
  }

  @Test
  void plan_mixSummary_givesEachSourcesShareAndEpochs() throws IOException {
    List<JsonNode> sources =
        lines(
            run("plan", train, validation, "--mix-length", "all_exhausted", "--summary"),
            "{\"source\"");
    assertEquals(2, sources.size());
    assertEquals("validation", sources.get(1).get("split").asText());
    assertEquals(400, sources.get(1).get("rows").asLong());
    assertEquals(0.3, sources.get(1).get("share").asDouble(), 0.001);
    // all_exhausted: train, the larger share of the smaller need, is used once; validation more.
    assertTrue(sources.get(0).get("epochs").asDouble() >= 1, sources.toString());
    assertTrue(sources.get(1).get("epochs").asDouble() > 1, sources.toString());
    List<JsonNode> packed =
        lines(
            run("plan", train, validation, "--pack", "4", "--length-column", "labels", "--summary"),
            "{\"source\"");
    assertTrue(packed.get(0).has("samples_per_epoch"), packed.toString());
  }

  @Test
  void plan_mixPack_printsSpansWithTheirSource_andResumes() throws IOException {
    String[] config = {
      "plan",
      train,
      validation,
      "--pack",
      "4",
      "--length-column",
      "labels",
      "--eod",
      "9",
      "--batch-size",
      "3"
    };
    List<JsonNode> whole = lines(run(config), "{\"batch\"");
    for (JsonNode b : whole) {
      for (JsonNode sample : b.get("samples")) {
        long source = sample.get("spans").get(0).get(0).asLong();
        for (JsonNode span : sample.get("spans")) {
          assertEquals(4, span.size());
          assertEquals(source, span.get(0).asLong(), "one source a sample: " + sample);
        }
      }
    }
    List<String> args = new ArrayList<>(List.of(config));
    args.addAll(List.of("--stop-after", "5"));
    Path state = Files.writeString(tmp.resolve("s.txt"), run(args.toArray(String[]::new)).out());
    List<JsonNode> rest =
        lines(run("plan", train, validation, "--resume", state.toString()), "{\"batch\"");
    assertEquals(whole.subList(5, whole.size()), rest);
  }

  @Test
  void plan_badMixtures_areUsageErrorsSayingTheRule() {
    String[][] cases = {
      {"plan", train, validation, "--split", "train"},
      {"plan", "--mix", "nowhere"},
      {"plan", train, "--mix=" + tmp.resolve("d") + "#test=NaN"},
      {"plan", train, "--mix=" + tmp.resolve("d") + "#test=-1"},
      {"plan", train, validation, "--mix-mode", "shuffle"},
      {"plan", train, validation, "--mix-length", "forever"},
      {"plan", train, train},
      {"plan", "--mix=" + tmp.resolve("d") + "#train=0", "--mix=" + tmp.resolve("d") + "#test=0"},
      {"plan"},
    };
    for (String[] c : cases) {
      Run r = run(c);
      assertEquals(2, r.status(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().lines().count() <= 3, r.err());
    }
  }
}
