package dev.lazyarrow.bench;

import java.nio.file.Path;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** What every benchmark's state shares: where the corpora live, made on first use and kept. */
@State(Scope.Benchmark)
public abstract class CorpusState {
  /**
   * The JVM flag that Arrow's own {@code ArrowFileReader} and {@code ArrowStreamWriter} need (the
   * baseline and the corpus writer; LazyArrow needs none), for every forked JVM.
   */
  static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

  /** The folder of corpora; {@code -p corpora=DIR} points the suite elsewhere. */
  @Param("target/corpora")
  public String corpora;

  /** Returns the dataset of about {@code size} bytes compressed as {@code compression} says. */
  Path dataset(String size, String compression) {
    return Corpus.dataset(Path.of(corpora), size, compression);
  }
}
