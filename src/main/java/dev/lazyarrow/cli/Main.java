package dev.lazyarrow.cli;

import dev.lazyarrow.LazyArrowException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lazyarrow} command line: convert datasets, inspect, dump, verify and benchmark them.
 *
 * <p>Exit status: 0 done; 1 the data is bad (the message names the file and what is wrong); 2
 * usage.
 */
@Command(
    name = "lazyarrow",
    mixinStandardHelpOptions = true,
    // Inherited: every subcommand answers -h, --help, -V, --version and fits the terminal.
    scope = CommandLine.ScopeType.INHERIT,
    usageHelpAutoWidth = true,
    version = "lazyarrow 0.1.0",
    header = "Open HuggingFace-layout datasets in milliseconds; read rows zero-copy.",
    subcommands = {
      ConvertCommand.class,
      IndexCommand.class,
      InspectCommand.class,
      DumpCommand.class,
      VerifyCommand.class,
      PlanCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  /** Exit status for bad data. */
  static final int BAD_DATA = 1;

  /** Exit status for a usage error. */
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Returns the command line, with LazyArrow's mapping from failures to exit statuses. */
  static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          PrintWriter err = line.getErr();
          if (e instanceof LazyArrowException) {
            err.println("lazyarrow: " + e.getMessage());
            return BAD_DATA;
          }
          if (e instanceof IllegalArgumentException) {
            err.println("lazyarrow: " + e.getMessage());
            return USAGE;
          }
          err.println("lazyarrow: unexpected failure: " + e);
          e.printStackTrace(err);
          return BAD_DATA;
        });
    return cmd;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
