package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static dev.lazyarrow.cli.PlanPackTest.batches;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.cli.GoldenRowsTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands from raw text to packed batches, on the bundled data (the tests run from
 * the repository's root): each raw-text dataset converted with the bundled tokenizer, then {@code
 * plan --mix ... --pack} over the two, whose other columns differ.
 */
class RawTextToPackedTest {
  private static final String TOKENIZER = "samples/data/bpe/tokenizer.json";

  @TempDir static Path tmp;
  private static Path emotion;
  private static Path licenses;

  @BeforeAll
  static void tokenize() {
    emotion = tmp.resolve("emotion");
    licenses = tmp.resolve("licenses");
    for (Path out : List.of(emotion, licenses)) {
      String source = "samples/data/" + out.getFileName();
      Run r =
          run(
              "convert",
              source,
              out.toString(),
              "--tokenizer",
              TOKENIZER,
              "--ids-column",
              "tokens");
      assertEquals(0, r.status(), r.err());
    }
  }

  private static String[] plan(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "plan",
                "--mix",
                emotion + "#train=0.7",
                "--mix",
                licenses + "=0.3",
                "--pack",
                "64",
                "--length-column",
                "tokens",
                "--eod",
                "0",
                "--order",
                "shuffle",
                "--batch-size",
                "8"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void planMixPack_ofTheTokenizedTexts_givesSamplesOfOneSourcesIds() throws IOException {
    List<JsonNode> batches = batches(run(plan("--tokens", "--stop-after", "40")));
    assertEquals(40, batches.size());
    int[] perSource = new int[2];
    try (LazyDataset e = LazyDataset.open(emotion);
        LazyDataset l = LazyDataset.open(licenses)) {
      Split[] sources = {e.split("train"), l.split("train")};
      for (JsonNode batch : batches) {
        for (JsonNode sample : batch.get("samples")) {
          int source = sample.get("spans").get(0).get(0).asInt();
          List<Integer> tokens = new ArrayList<>();
          for (JsonNode span : sample.get("spans")) {
            assertEquals(source, span.get(0).asInt(), "one source a sample: " + sample);
            Split split = sources[source];
            long row = span.get(1).asLong();
            int[] ids =
                split.get(row).isNull("tokens") ? new int[0] : split.get(row).getIntArray("tokens");
            for (int t = span.get(2).asInt(); t < span.get(3).asInt(); t++) {
              tokens.add(t == ids.length ? 0 : ids[t]); // the end-of-document token follows
            }
          }
          List<Integer> printed = new ArrayList<>();
          sample.get("tokens").forEach(t -> printed.add(t.asInt()));
          assertEquals(65, printed.size());
          assertEquals(tokens, printed, "sample " + sample.get("sample"));
          perSource[source]++;
        }
      }
    }
    assertEquals(0.7 * 320, perSource[0], 1.0, "blended 0.7 to 0.3");
  }

  @Test
  void planMixPack_resumedWithoutTheLengthColumn_readsTheStatesColumn() throws IOException {
    List<JsonNode> whole = batches(run(plan("--stop-after", "12")));
    Path state = Files.writeString(tmp.resolve("state.txt"), run(plan("--stop-after", "5")).out());
    Run resumed =
        run(
            "plan",
            "--mix",
            emotion + "#train=0.7",
            "--mix",
            licenses + "=0.3",
            "--resume",
            state.toString(),
            "--stop-after",
            "7");
    assertEquals(whole.subList(5, 12), batches(resumed));
  }

  @Test
  void planMix_ofSourcesWithOtherColumns_withoutALengthColumn_isAUsageErrorNamingThem() {
    Run r = run("plan", "--mix", emotion + "#train=1", "--mix", licenses + "=1");
    assertEquals(2, r.status(), r.err());
    assertTrue(
        r.err().contains("has columns [text, tokens], source 0 (train) has [text,"), r.err());
    assertTrue(r.err().lines().count() <= 3, r.err());
  }
}
