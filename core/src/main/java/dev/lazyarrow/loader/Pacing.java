package dev.lazyarrow.loader;

/**
 * How much of the data a curriculum epoch covers: curriculum epoch {@code e} of {@code E} covers
 * the easiest fraction {@code c(e)} of the rows, growing from a start fraction {@code c0} to all of
 * them (competence-based curriculum learning, Platanios et al., 2019).
 */
public enum Pacing {
  /** Every curriculum epoch covers all rows, easiest first. */
  NONE,
  /** {@code c(e) = c0 + (1 - c0) * (e + 1) / E}. */
  LINEAR,
  /** {@code c(e) = sqrt(c0^2 + (1 - c0^2) * (e + 1) / E)}: fast growth first, slower later. */
  ROOT;

  /** Returns the fraction of rows curriculum epoch {@code epoch} of {@code epochs} covers. */
  double fraction(int epoch, int epochs, double start) {
    double t = Math.min(1.0, (epoch + 1) / (double) epochs);
    return switch (this) {
      case NONE -> 1.0;
      case LINEAR -> start + (1 - start) * t;
      case ROOT -> Math.sqrt(start * start + (1 - start * start) * t);
    };
  }
}
