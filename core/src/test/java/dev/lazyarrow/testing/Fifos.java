package dev.lazyarrow.testing;

import java.io.IOException;
import java.nio.file.Path;

/** Makes named pipes for tests: opening one for reading blocks until a writer comes. */
public final class Fifos {
  private Fifos() {}

  /** Makes a FIFO at {@code path} with mkfifo(1). */
  public static Path make(Path path) throws IOException {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IOException("mkfifo " + path + " failed");
      }
      return path;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
