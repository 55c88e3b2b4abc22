package dev.lazyarrow.loader;

import dev.lazyarrow.Split;
import java.util.Objects;

/**
 * Checks that a saved {@link LoaderState} fits the loader that resumes it: the same split or
 * mixture, rows, packing and sources, each refusal naming the saved value and the loader's.
 */
final class Resumption {
  private Resumption() {}

  /**
   * Checks what {@link LoaderBuilder#resume} can check before any option is known: that {@code
   * state} was saved over {@code split} (rows) or over a mixture when {@code mixture} is one, and
   * that its epoch has a next.
   *
   * @throws IllegalArgumentException if it was not
   */
  static void requireFits(LoaderState state, Split split, Mixture mixture) {
    if (mixture == null) {
      if (state.mixture() != null) {
        throw new IllegalArgumentException(
            "the state was saved over a mixture of "
                + state.mixture().sources().size()
                + " sources; this is split "
                + split.name());
      }
      requireArgument(
          state.rows() == split.size(),
          "the state was saved for a split of " + state.rows() + " rows, this one has",
          split.size());
    } else {
      requireArgument(
          state.mixture() != null,
          "the state was saved over one split of " + state.rows() + " rows; this is a mixture of",
          mixture.sources().size() + " sources");
    }
    requireArgument(
        state.epoch() < LoaderBuilder.LAST_EPOCH,
        "the state's epoch must be below "
            + LoaderBuilder.LAST_EPOCH
            + ", so that the next can be counted",
        state.epoch());
  }

  /**
   * Checks that {@code state} packs as {@code packing} does (null: not at all) and, over a mixture,
   * mixes as {@code mixed} over as many rows as {@code sources} hold.
   *
   * @throws IllegalArgumentException naming the first thing that differs
   */
  static void requireMatches(
      LoaderState state, Sources sources, LoaderState.Packing packing, MixtureState mixed) {
    requireArgument(
        Objects.equals(state.packing(), packing),
        state.packing() == null
            ? "the state was saved by a loader of rows, not of packed samples"
            : "cannot resume: the state was saved by a loader packing "
                + state.packing()
                + ", this one packs",
        packing);
    if (mixed != null) {
      String mismatch = state.mixture().mismatch(mixed);
      requireArgument(mismatch == null, "cannot resume", mismatch);
      requireArgument(
          state.rows() == sources.size(),
          "the state was saved for a mixture of " + state.rows() + " rows, this one has",
          sources.size());
    }
  }

  private static void requireArgument(boolean condition, String rule, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(rule + ": " + value);
    }
  }
}
