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
 * A conversion's progress: the rows and token ids written, and, when shown, a bar on stderr with
 * source megabytes read, rate and time left, rows, and token ids per second when tokenizing.
 */
final class ProgressReporter implements Converter.Progress {
  private final boolean show;
  private ProgressBar bar;
  private long started;
  private long rows;
  private long tokens;

  /** Creates a reporter that counts, and draws the bar if {@code show}. */
  ProgressReporter(boolean show) {
    this.show = show;
  }

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

  /** Returns the token ids written so far. */
  long tokens() {
    return tokens;
  }

  @Override
  public void start(long totalBytes) {
    started = System.nanoTime();
    if (!show) {
      return;
    }
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
    if (bar == null) {
      return;
    }
    bar.stepBy(bytes);
    String message = " " + this.rows + " rows";
    if (tokens > 0) {
      double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
      message += String.format(", %.2fM tokens/s", tokens / seconds / 1e6);
    }
    bar.setExtraMessage(message);
  }

  @Override
  public void tokens(long ids) {
    tokens += ids;
  }

  @Override
  public void finish() {
    if (bar != null) {
      bar.close();
    }
  }
}
