package dev.lazyarrow.testing;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a conversion, or any main class, in a child JVM of {@value #HEAP} heap, as {@code java
 * -Xmx256m -jar lazyarrow-cli.jar convert SOURCE OUT} does, so that a test sees an {@link
 * OutOfMemoryError} as the user would instead of taking down the test JVM.
 */
public final class SmallHeap {
  /** The child's heap: the size the hostile inputs of issue 23 were run at. */
  public static final String HEAP = "256m";

  /** Exit status of a child whose conversion threw anything but a {@link LazyArrowException}. */
  private static final int OTHER = 3;

  private SmallHeap() {}

  /**
   * What the child did: its exit status and its output. For {@link #convert}: 0 converted, 1
   * refused with a {@link LazyArrowException}, 3 anything else, and the exception's message or
   * class and message.
   */
  public record Outcome(int status, String output) {
    /**
     * Drops the JVM's own warnings (JDK 24+ warns of sun.misc.Unsafe): the output is the child's.
     */
    public Outcome {
      output = withoutJvmWarnings(output);
    }
  }

  /**
   * Returns {@code output} without the lines the JVM itself prints on standard error (JDK 24+ warns
   * of sun.misc.Unsafe there): what is left is the child's own.
   */
  public static String withoutJvmWarnings(String output) {
    return output
        .lines()
        .filter(l -> !l.startsWith("WARNING: "))
        .reduce((a, b) -> a + "\n" + b)
        .orElse("");
  }

  /**
   * Converts {@code source} into {@code out} with default options in a child JVM of {@value #HEAP},
   * as {@link #run(String, String...)} runs it.
   */
  public static Outcome convert(Path source, Path out) throws IOException, InterruptedException {
    return run(SmallHeap.class.getName(), source.toString(), out.toString());
  }

  /**
   * Runs the {@code main} of class {@code mainClass} with {@code args} in a child JVM of {@value
   * #HEAP}, as {@link #run(Path, String, String...)} does; the outcome's output is the child's
   * standard output and error together.
   */
  public static Outcome run(String mainClass, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("lazyarrow-small-heap", ".log");
    try {
      int status = run(log, mainClass, args);
      return new Outcome(status, Files.readString(log, StandardCharsets.UTF_8).strip());
    } finally {
      Files.delete(log);
    }
  }

  /**
   * Runs {@code mainClass} with {@code args} in a child JVM of {@value #HEAP} with the test's class
   * path, its output and errors written to {@code output}, and returns its exit status.
   *
   * @throws AssertionError if the child runs over 120 seconds (a loaded build machine is slow)
   */
  public static int run(Path output, String mainClass, String... args)
      throws IOException, InterruptedException {
    return run(output, output, mainClass, args);
  }

  /**
   * Runs {@code mainClass} as {@link #run(Path, String, String...)} does, with its standard output
   * written to {@code output} and its standard error to {@code errors} (the same file for both when
   * they are equal), and returns its exit status.
   *
   * @throws AssertionError if the child runs over 120 seconds (a loaded build machine is slow)
   */
  public static int run(Path output, Path errors, String mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile());
    if (errors.equals(output)) {
      builder.redirectErrorStream(true);
    } else {
      builder.redirectError(errors.toFile());
    }
    Process child = builder.start();
    if (!child.waitFor(120, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor();
      throw new AssertionError(mainClass + " " + String.join(" ", args) + " ran over 120 seconds");
    }
    return child.exitValue();
  }

  /**
   * Converts {@code source} as {@link #convert} does and checks that the child refused it: exit 1,
   * one message naming {@code source} and holding {@code expected}, and no {@code out}.
   */
  public static void assertRefused(Path source, Path out, String expected)
      throws IOException, InterruptedException {
    Outcome outcome = convert(source, out);
    if (outcome.status() != 1
        || !outcome.output().startsWith(source.toString())
        || !outcome.output().contains(expected)
        || Files.exists(out)) {
      throw new AssertionError(
          "expected exit 1 with '"
              + expected
              + "' naming "
              + source
              + " and no "
              + out
              + "; got exit "
              + outcome.status()
              + ": "
              + outcome.output());
    }
  }

  /** The child: converts {@code args[0]} into {@code args[1]}. */
  public static void main(String[] args) {
    try {
      Converter.newBuilder().build().convert(Path.of(args[0]), Path.of(args[1]));
    } catch (LazyArrowException e) {
      System.out.println(e.getMessage());
      System.exit(1);
    } catch (Throwable t) {
      System.out.println(t);
      System.exit(OTHER);
    }
    System.exit(0);
  }
}
