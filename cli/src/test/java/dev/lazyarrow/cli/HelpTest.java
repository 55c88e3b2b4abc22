package dev.lazyarrow.cli;

import static dev.lazyarrow.cli.GoldenRowsTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.cli.GoldenRowsTest.Run;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command answers --help with its usage and exit status 0, fitting 80 columns. */
class HelpTest {
  private static final List<String> WITH_EXAMPLES = List.of("convert", "index", "tokenize", "plan", "bench");

  @ParameterizedTest
  @ValueSource(strings = {"convert", "index", "tokenize", "inspect", "dump", "verify", "plan", "bench", "demo"})
  void help_everySubcommand_printsUsageAndExitsZero(String command) {
    for (String flag : List.of("--help", "-h")) {
      Run help = run(command, flag);
      assertEquals(0, help.status(), help.err());
      assertEquals("", help.err());
      assertTrue(help.out().contains("Usage: lazyarrow " + command), help.out());
      assertTrue(help.out().contains("-h, --help"), help.out());
      assertEquals(
          WITH_EXAMPLES.contains(command),
          help.out().contains("Examples:%n  lazyarrow ".formatted()),
          help.out());
      for (String line : help.out().split("\\R")) {
        assertTrue(line.length() <= 80, "wider than 80 columns: " + line);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"convert", "index", "tokenize", "inspect", "dump", "verify", "plan", "bench", "demo"})
  void description_everySubcommand_isWholeSentencesThatPicocliWraps(String command) {
    // A description line broken by hand mid-sentence gets wrapped again by picocli at another
    // width; whole sentences per line wrap once, at the terminal's width.
    CommandLine sub = Main.commandLine().getSubcommands().get(command);
    for (String paragraph : sub.getCommandSpec().usageMessage().description()) {
      assertTrue(paragraph.endsWith(".") || paragraph.endsWith("}."), paragraph);
    }
    String header = sub.getCommandSpec().usageMessage().header()[0];
    assertTrue(header.length() <= 80 - "  inspect  ".length(), header);
  }

  @Test
  void help_root_listsEveryCommandAndExitsZero() {
    Run help = run("--help");
    assertEquals(0, help.status(), help.err());
    for (String command : List.of("convert", "index", "tokenize", "dump", "plan", "bench", "demo")) {
      assertTrue(help.out().contains("\n  " + command + " "), help.out());
    }
    assertEquals(0, run("help", "plan").status());
  }

  @Test
  void version_rootAndSubcommand_printVersionAndExitZero() {
    for (Run version : List.of(run("--version"), run("-V"), run("dump", "--version"))) {
      assertEquals(0, version.status(), version.err());
      assertEquals("lazyarrow 0.1.0", version.out().strip());
    }
  }

  @Test
  void commandLine_forArguments_makesOnlyTheSubcommandTheyName() {
    assertEquals(List.of("dump"), List.copyOf(Main.commandLine(new String[] {"dump", "x"})
        .getSubcommands().keySet()));
    assertEquals(List.of(), List.copyOf(Main.commandLine(new String[] {"--version"})
        .getSubcommands().keySet()));
    assertEquals(Main.commandLine().getSubcommands().keySet(),
        Main.commandLine(new String[] {"help", "plan"}).getSubcommands().keySet());
    assertEquals(Main.commandLine().getSubcommands().keySet(),
        Main.commandLine(new String[] {"--verbose", "dump"}).getSubcommands().keySet());
  }

  @Test
  void unknownCommand_namesItAndExitsTwo() {
    Run unknown = run("dupm", "x");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("dupm"), unknown.err());
  }
}
