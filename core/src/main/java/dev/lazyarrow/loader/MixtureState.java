package dev.lazyarrow.loader;

import java.util.List;
import java.util.Objects;

/**
 * The configuration of a {@link Mixture} as a {@link LoaderState} records it: checked on
 * resumption, so that a run resumes only over the mixture it was saved from.
 *
 * <p>A source's position follows from the state's epoch and step: before epoch {@code e}, source
 * {@code d} was drawn {@code e * sources.get(d).perEpoch()} times.
 *
 * @param mode "blend" or "sample"
 * @param seed the seed of the sampled mode, 0 for a blend
 * @param length the epoch's length rule: a number, "first_exhausted" or "all_exhausted"
 * @param positions the positions of one epoch
 * @param sources each source, in the mixture's order
 */
public record MixtureState(
    String mode, long seed, String length, long positions, List<MixtureState.Source> sources) {
  /** Checks the configuration. */
  public MixtureState {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(length, "length");
    sources = List.copyOf(sources);
    if (!mode.equals("blend") && !mode.equals("sample")) {
      throw new IllegalArgumentException("mode must be blend or sample, found '" + mode + "'");
    }
    if (positions < 1 || sources.isEmpty()) {
      throw new IllegalArgumentException(
          "a mixture has at least one source and one position, found "
              + sources.size()
              + " sources and "
              + positions
              + " positions");
    }
  }

  /**
   * One source of a mixture.
   *
   * @param split the split's name
   * @param rows the split's rows
   * @param weight its share of the positions
   * @param perEpoch how many positions of one epoch draw from it
   */
  public record Source(String split, long rows, double weight, long perEpoch) {
    /** Checks the source. */
    public Source {
      Objects.requireNonNull(split, "split");
      if (rows < 1 || perEpoch < 0 || !(weight >= 0 && weight <= 1)) {
        throw new IllegalArgumentException(
            "a source has rows, a weight in [0, 1] and draws per epoch not negative, found "
                + rows
                + " rows, weight "
                + weight
                + ", "
                + perEpoch
                + " draws per epoch");
      }
    }
  }

  /** Returns the state of {@code sources}' mixture, with its epoch's plan. */
  static MixtureState of(Sources sources) {
    Mixture mixture = sources.mixture();
    MixPlan plan = sources.plan();
    Source[] each = new Source[sources.count()];
    for (int d = 0; d < each.length; d++) {
      each[d] =
          new Source(
              sources.split(d).name(), sources.split(d).size(), mixture.weight(d), plan.total(d));
    }
    return new MixtureState(
        mixture.mode(), mixture.seed(), mixture.length(), plan.length(), List.of(each));
  }

  /**
   * Returns why a loader saved over this mixture cannot resume over {@code other}, naming the
   * first source or setting that changed, or null if it can.
   */
  String mismatch(MixtureState other) {
    if (!mode.equals(other.mode) || seed != other.seed || !length.equals(other.length)) {
      return "the state's mixture is "
          + mode
          + " (seed "
          + seed
          + ", length "
          + length
          + "), this one is "
          + other.mode
          + " (seed "
          + other.seed
          + ", length "
          + other.length
          + ")";
    }
    if (sources.size() != other.sources.size()) {
      return "the state's mixture has "
          + sources.size()
          + " sources, this one has "
          + other.sources.size();
    }
    for (int d = 0; d < sources.size(); d++) {
      if (!sources.get(d).equals(other.sources.get(d))) {
        return "source " + d + " changed: the state has " + sources.get(d) + ", this mixture has "
            + other.sources.get(d);
      }
    }
    if (positions != other.positions) {
      return "the state's mixture has " + positions + " positions an epoch, this one has "
          + other.positions;
    }
    return null;
  }
}
