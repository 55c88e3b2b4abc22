package dev.lazyarrow.format;

import java.nio.file.Path;

/**
 * An exception raised when a dataset's files are missing, corrupt, or disagree with its manifest.
 *
 * <p>The message always starts with the file at fault, so that a user can find it without a stack
 * trace. It is unchecked because it is raised from row access, where a checked exception would
 * burden every training loop.
 */
public class LazyArrowException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * Creates an exception for a fault in {@code file}.
   *
   * @param file the file at fault, or {@code null} if none applies
   * @param message what is wrong with it
   */
  public LazyArrowException(Path file, String message) {
    this(file, message, null);
  }

  /**
   * Creates an exception for a fault in {@code file} that {@code cause} revealed.
   *
   * @param file the file at fault, or {@code null} if none applies
   * @param message what is wrong with it
   * @param cause the underlying failure, or {@code null}
   */
  public LazyArrowException(Path file, String message, Throwable cause) {
    super(file == null ? message : describe(file) + ": " + message, cause);
    this.file = file;
  }

  /**
   * Returns how messages name {@code file}: as it prints, but for the name of an object in object
   * storage, a path made of {@code s3://bucket/key}, which prints with one slash.
   */
  private static String describe(Path file) {
    String name = file.toString();
    return name.startsWith("s3:/") && !name.startsWith("s3://")
        ? "s3://" + name.substring(4)
        : name;
  }

  /**
   * Returns the file at fault (for an object in object storage, a path of its {@code
   * s3://bucket/key}), or {@code null} if the fault is not tied to one file.
   */
  public Path file() {
    return file;
  }
}
