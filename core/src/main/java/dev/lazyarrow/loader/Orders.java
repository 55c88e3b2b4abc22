package dev.lazyarrow.loader;

/**
 * The epoch orders of a loader's sources, with what they are computed from (list lengths,
 * curriculum scores) scanned once and kept: the loop asks for the batches of an epoch and then
 * iterates it.
 */
final class Orders {
  private final Sources sources;
  private int[] lengths;
  private String lengthsColumn;
  private double[] scores;

  Orders(Sources sources) {
    this.sources = sources;
  }

  /**
   * Returns the order of epoch {@code epoch}: the curriculum's in its epochs, else the sources'.
   */
  Sampler order(LoaderState s, int epoch) {
    if (s.curriculumColumn() != null && epoch < s.curriculumEpochs()) {
      return Curriculum.sampler(
          scores(s.curriculumColumn()),
          s.pacing().fraction(epoch, s.curriculumEpochs(), s.pacingStart()),
          s.seed(),
          epoch);
    }
    return sources.order(s, epoch);
  }

  /** Returns the length of every row's list in {@code column}, scanned from its offsets once. */
  synchronized int[] lengths(String column) {
    if (lengths == null || !lengthsColumn.equals(column)) {
      lengths = sources.lengths(column);
      lengthsColumn = column;
    }
    return lengths;
  }

  private synchronized double[] scores(String column) {
    if (scores == null) {
      scores = ColumnScan.scores(sources.split(0), column);
    }
    return scores;
  }
}
