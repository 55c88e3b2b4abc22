package dev.lazyarrow.cli;

import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The {@code lazyarrow} command line: convert and tokenize datasets, inspect, dump, verify and benchmark them.
 *
 * <p>Exit status: 0 done; 1 the data is bad or cannot be read or written (a {@link
 * LazyArrowException} or an I/O error); 2 a bad argument. Each failure prints one line on stderr,
 * {@code lazyarrow: <file>: <what is wrong>}; {@code --verbose}, accepted by every command, adds
 * the stack trace.
 */
@Command(
    name = "lazyarrow",
    mixinStandardHelpOptions = true,
    // Inherited: every subcommand answers -h, --help, -V, --version and fits the terminal.
    scope = CommandLine.ScopeType.INHERIT,
    usageHelpAutoWidth = true,
    version = "lazyarrow 0.1.0",
    header = "Open HuggingFace-layout datasets in milliseconds; read rows zero-copy.")
public final class Main implements Runnable {
  /** Exit status for bad data. */
  static final int BAD_DATA = 1;

  /** Exit status for a usage error. */
  static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "on failure, print the stack trace after the one-line message")
  boolean verbose;

  /**
   * The subcommands by name, in the order help lists them. Each is made only when asked for:
   * picocli reads a command's annotations by reflection when it is added, most of a start's time.
   */
  private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

  private static Map<String, Supplier<Object>> subcommands() {
    Map<String, Supplier<Object>> all = new LinkedHashMap<>();
    all.put("convert", ConvertCommand::new);
    all.put("index", IndexCommand::new);
    all.put("tokenize", TokenizeCommand::new);
    all.put("inspect", InspectCommand::new);
    all.put("dump", DumpCommand::new);
    all.put("verify", VerifyCommand::new);
    all.put("plan", PlanCommand::new);
    all.put("bench", BenchCommand::new);
    all.put("demo", DemoCommand::new);
    all.put("help", CommandLine.HelpCommand::new);
    return all;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** Returns the command line with every subcommand (see {@link #commandLine(String[])}). */
  static CommandLine commandLine() {
    return withSubcommands(SUBCOMMANDS.keySet());
  }

  /**
   * Returns the command line that {@code args} need: the one subcommand their first argument
   * names, none for {@code --version} alone, else every subcommand (for help, and for options
   * given before the subcommand).
   */
  static CommandLine commandLine(String[] args) {
    if (args.length > 0 && SUBCOMMANDS.containsKey(args[0]) && !args[0].equals("help")) {
      return withSubcommands(List.of(args[0]));
    }
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      return withSubcommands(List.of());
    }
    return commandLine();
  }

  /** Returns the command line with the subcommands {@code names} and LazyArrow's exit statuses. */
  private static CommandLine withSubcommands(Collection<String> names) {
    CommandLine cmd = new CommandLine(new Main());
    for (String name : names) {
      cmd.addSubcommand(name, SUBCOMMANDS.get(name).get());
    }
    cmd.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          PrintWriter err = line.getErr();
          int status = e instanceof IllegalArgumentException ? USAGE : BAD_DATA;
          err.println("lazyarrow: " + describe(e));
          if (verbose(parsed)) {
            e.printStackTrace(err);
          }
          err.flush();
          return status;
        });
    return cmd;
  }

  /** Returns one line saying what failed: the file, then what is wrong with it. */
  static String describe(Throwable e) {
    if (e instanceof UncheckedIOException && e.getCause() != null) {
      return describe(e.getCause());
    }
    String message;
    if (e instanceof LazyArrowException || e instanceof IllegalArgumentException) {
      message = e.getMessage();
    } else if (e instanceof NoSuchFileException missing) {
      message = missing.getFile() + ": no such file";
    } else if (e instanceof FileSystemException fs && fs.getFile() != null) {
      message =
          fs.getFile()
              + (fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile())
              + ": "
              + (fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason());
    } else if (e instanceof IOException) {
      message = "I/O error: " + e.getMessage();
    } else {
      message = "unexpected failure: " + e + " (--verbose shows where)";
    }
    return message == null ? e.toString() : message.replace('\n', ' ').replace('\r', ' ');
  }

  private static boolean verbose(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }
}
