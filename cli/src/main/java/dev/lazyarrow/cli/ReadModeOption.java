package dev.lazyarrow.cli;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.ReadMode;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The {@code --read-mode} option of the commands that read rows. */
final class ReadModeOption {
  @Option(
      names = "--read-mode",
      paramLabel = "auto|mapped|ranges",
      defaultValue = "auto",
      description =
          "how rows are read: auto (default) maps batches in memory or read in sequence and reads"
              + " scattered rows of the others by positional reads; mapped or ranges forces one")
  String mode;

  /**
   * Returns a dataset builder with this read mode.
   *
   * @throws IllegalArgumentException if the mode is none of auto, mapped and ranges
   */
  LazyDataset.Builder builder() {
    return LazyDataset.newBuilder().readMode(value());
  }

  /**
   * Returns this read mode.
   *
   * @throws IllegalArgumentException if the mode is none of auto, mapped and ranges
   */
  ReadMode value() {
    try {
      return ReadMode.valueOf(mode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--read-mode must be auto, mapped or ranges: '" + mode + "'");
    }
  }
}
