package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.cli.GoldenRowsTest.Run;
import dev.lazyarrow.testing.Fifos;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanCommandTest {
  @TempDir Path tmp;

  private List<String> batches(Run run) {
    assertEquals(0, run.status(), run.err());
    return run.out().lines().filter(l -> l.startsWith("{\"batch\"")).toList();
  }

  @Test
  void plan_stopThenResume_printsExactlyTheRemainingBatches() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
    String[] config = {
      "plan",
      ds,
      "--split",
      "train",
      "--order",
      "shuffle",
      "--seed",
      "9",
      "--batch-size",
      "16",
      "--rank",
      "1",
      "--world",
      "4"
    };
    List<String> whole = batches(run(config));
    assertEquals(47, whole.size(), "3000 rows in 188 batches of 16, 47 rounds of 4 ranks");

    List<String> args = new ArrayList<>(List.of(config));
    args.addAll(List.of("--stop-after", "10"));
    Run first = run(args.toArray(String[]::new));
    assertEquals(whole.subList(0, 10), batches(first));
    String stateLine = first.out().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(stateLine.startsWith("{\"state\": {\"version\":1,"), stateLine);
    Path state = Files.writeString(tmp.resolve("state.json"), first.out());

    Run rest = run("plan", ds, "--split", "train", "--resume", state.toString());
    assertEquals(whole.subList(10, whole.size()), batches(rest));
  }

  @Test
  void plan_resumeOnFewerRanks_coversTheRestOfTheEpoch() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
    TreeSet<Long> seen = new TreeSet<>();
    Path state = null;
    for (int rank = 0; rank < 4; rank++) {
      Run part =
          run(
              "plan",
              ds,
              "--split",
              "validation",
              "--order",
              "block",
              "--window",
              "2",
              "--batch-size",
              "10",
              "--rank",
              "" + rank,
              "--world",
              "4",
              "--stop-after",
              "3");
      batches(part).forEach(l -> rows(l).forEach(seen::add));
      state = Files.writeString(tmp.resolve("state" + rank), part.out());
    }
    for (int rank = 0; rank < 2; rank++) {
      Run rest =
          run(
              "plan",
              ds,
              "--split",
              "validation",
              "--resume",
              state.toString(),
              "--rank",
              "" + rank,
              "--world",
              "2");
      batches(rest).forEach(l -> rows(l).forEach(seen::add));
    }
    assertEquals(400, seen.size(), "every row of the epoch is read");
  }

  @Test
  void plan_resumeWithConfiguration_isUsageError() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
    Run first = run("plan", ds, "--split", "test", "--stop-after", "0");
    Path state = Files.writeString(tmp.resolve("s"), first.out());
    Run bad = run("plan", ds, "--split", "test", "--resume", state.toString(), "--seed", "3");
    assertEquals(2, bad.status());
    assertEquals(
        "lazyarrow: --resume takes --seed from the state; only --rank and --world may" + " change",
        bad.err().strip());
  }

  @Test
  void plan_tokenBudgetWithoutColumn_isUsageError() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("d")).toString();
    Run bad = run("plan", ds, "--split", "train", "--token-budget", "100");
    assertEquals(2, bad.status());
    assertEquals(
        "lazyarrow: --token-budget needs --length-column and excludes --batch-size",
        bad.err().strip());
  }

  private static List<Long> rows(String line) {
    String inside = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
    List<Long> out = new ArrayList<>();
    for (String part : inside.split(", ")) {
      if (!part.isBlank()) {
        out.add(Long.parseLong(part.trim()));
      }
    }
    return out;
  }

  @Test
  void plan_resumeFromAPrettyPrintedStateWithByteOrderMark_continuesTheRun() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("pretty")).toString();
    Run first = run("plan", ds, "--split", "train", "--batch-size", "100", "--stop-after", "3");
    String stateLine = first.out().lines().reduce((a, b) -> b).orElseThrow();
    String state = stateLine.substring("{\"state\": ".length(), stateLine.length() - 1);
    Path file =
        Files.writeString(
            tmp.resolve("pretty.json"), "\uFEFF" + state.replace(",", ",\n  ") + "\n");
    Run rest = run("plan", ds, "--split", "train", "--resume", file.toString());
    assertEquals(0, rest.status(), rest.err());
    assertTrue(rest.out().startsWith("{\"batch\": 3,"), rest.out());
  }

  @Test
  void plan_resumeFromBadStateFiles_failsNamingTheFile() throws IOException {
    String ds = Fixtures.convert("save_dict", tmp.resolve("bad")).toString();
    Path fifo = Fifos.make(tmp.resolve("fifo.json"));
    Path folder = Files.createDirectory(tmp.resolve("folder.json"));
    Path big = Files.write(tmp.resolve("big.json"), new byte[PlanCommand.MAX_STATE_BYTES + 1]);
    Path garbage = Files.writeString(tmp.resolve("garbage.json"), "{\"state\": {\"version\": 1");
    Path latin1 = Files.write(tmp.resolve("latin1.json"), new byte[] {'{', (byte) 0xe9, '}'});
    Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2]");
    for (Path file : List.of(fifo, folder, big, garbage, latin1, array)) {
      Run bad =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30),
              () -> run("plan", ds, "--split", "train", "--resume", file.toString()));
      assertEquals(1, bad.status(), file + ": " + bad.err());
      assertTrue(bad.err().startsWith("lazyarrow: " + file), bad.err());
    }
  }
}
