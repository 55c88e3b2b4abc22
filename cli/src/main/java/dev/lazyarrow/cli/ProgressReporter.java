package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A conversion's progress bar on stderr: source megabytes read, rate and time left, and rows
 * written.
 */
final class ProgressReporter implements Converter.Progress {
  private ProgressBar bar;
  private long rows;

  /**
   * Returns whether stderr is a terminal. Java tells only whether stdin and stdout both are ({@code
   * System.console()}), so on Linux the descriptor's target is read instead.
   */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  @Override
  public void start(long totalBytes) {
    bar =
        new ProgressBarBuilder()
            .setTaskName("convert")
            .setInitialMax(totalBytes)
            .setUnit(" MB", 1L << 20)
            .showSpeed()
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(System.err))
            .build();
  }

  @Override
  public void advance(long rows, long bytes) {
    this.rows += rows;
    bar.stepBy(bytes);
    bar.setExtraMessage(" " + this.rows + " rows");
  }

  @Override
  public void finish() {
    if (bar != null) {
      bar.close();
    }
  }
}
