package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan --pack}: packed samples of save_dict's label lists, their spans and tokens. */
class PlanPackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private String ds;

  @BeforeEach
  void convert() {
    ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
  }

  /** Returns the batch lines of a run that succeeded, parsed. */
  static List<JsonNode> batches(Run run) throws IOException {
    assertEquals(0, run.status(), run.err());
    List<JsonNode> out = new ArrayList<>();
    for (String line : run.out().lines().filter(l -> l.startsWith("{\"batch\"")).toList()) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private Run plan(String... more) {
    List<String> args = new ArrayList<>(List.of("plan", ds, "--split", "train"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void plan_pack_printsSamplesWhoseSpansHoldTheirTokens() throws IOException {
    List<JsonNode> batches =
        batches(
            plan(
                "--pack",
                "4",
                "--length-column",
                "labels",
                "--eod",
                "9",
                "--tokens",
                "--order",
                "shuffle",
                "--seed",
                "3",
                "--batch-size",
                "2"));
    List<List<Long>> labels = new ArrayList<>();
    try (LazyDataset d = LazyDataset.open(Path.of(ds))) {
      for (Row row : d.split("train")) {
        List<Long> items = new ArrayList<>();
        ((List<?>) row.get("labels")).forEach(v -> items.add(((Number) v).longValue()));
        labels.add(items);
      }
    }
    long tokens = 0;
    long sample = 0;
    for (JsonNode batch : batches) {
      for (JsonNode s : batch.get("samples")) {
        assertEquals(sample++, s.get("sample").asLong());
        List<Long> fromSpans = new ArrayList<>();
        for (JsonNode span : s.get("spans")) {
          List<Long> doc = labels.get(span.get(0).asInt());
          for (int j = span.get(1).asInt(); j < span.get(2).asInt(); j++) {
            fromSpans.add(j < doc.size() ? doc.get(j) : 9L);
          }
        }
        List<Long> printed = new ArrayList<>();
        s.get("tokens").forEach(t -> printed.add(t.asLong()));
        assertEquals(fromSpans, printed, s.toString());
        assertEquals(5, printed.size());
        tokens += 4;
      }
    }
    long stream = labels.stream().mapToLong(l -> l.size() + 1).sum();
    assertEquals((stream - 1) / 4 * 4, tokens);
  }

  @Test
  void plan_pack_stoppedOnTwoRanksAndResumedOnThree_coversEveryBatchOnce() throws IOException {
    String[] config = {
      "--pack",
      "8",
      "--length-column",
      "labels",
      "--pack-mode",
      "bins",
      "--order",
      "shuffle",
      "--seed",
      "5",
      "--batch-size",
      "4"
    };
    Map<Long, String> whole = new HashMap<>();
    for (JsonNode b : batches(plan(config))) {
      whole.put(b.get("batch").asLong(), b.get("samples").toString());
    }
    Map<Long, String> seen = new HashMap<>();
    Path state = null;
    for (int rank = 0; rank < 2; rank++) {
      String[] args =
          Stream.concat(
                  Stream.of(config),
                  Stream.of("--rank", "" + rank, "--world", "2", "--stop-after", "20"))
              .toArray(String[]::new);
      Run first = plan(args);
      batches(first).forEach(b -> seen.put(b.get("batch").asLong(), b.get("samples").toString()));
      state = Files.writeString(tmp.resolve("state.txt"), first.out());
    }
    for (int rank = 0; rank < 3; rank++) {
      Run rest = plan("--resume", state.toString(), "--rank", "" + rank, "--world", "3");
      for (JsonNode b : batches(rest)) {
        String earlier = seen.putIfAbsent(b.get("batch").asLong(), b.get("samples").toString());
        assertTrue(earlier == null || b.get("batch").asLong() < 3, "batch " + b + " twice");
      }
    }
    assertEquals(whole, seen);
  }

  @Test
  void plan_pack_badArguments_areUsageErrorsSayingTheRule() throws IOException {
    Path state = Files.writeString(tmp.resolve("s.txt"), plan("--stop-after", "1").out());
    String[][] cases = {
      {"--pack", "0", "--length-column", "labels"},
      {"--pack", "8"},
      {"--pack", "8", "--length-column", "text"},
      {"--pack", "8", "--length-column", "labels", "--pack-mode", "spiral"},
      {"--pack", "8", "--length-column", "labels", "--token-budget", "100"},
      {"--pack", "8", "--length-column", "labels", "--eod", "-2"},
      {"--resume", state.toString(), "--pack", "8"},
    };
    for (String[] c : cases) {
      Run r = plan(c);
      assertEquals(2, r.status(), String.join(" ", c) + ": " + r.err());
      assertTrue(r.err().lines().count() <= 3, r.err());
    }
  }
}
