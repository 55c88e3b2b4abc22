package dev.lazyarrow.loader;

import dev.lazyarrow.Split;
import dev.lazyarrow.format.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A weighted mixture of splits, read as one: each position of an epoch draws a row (or, packed, a
 * sample) from one source, in set proportions, as Megatron's {@code BlendedDataset} and {@code
 * datasets}' {@code interleave_datasets} do. For example {@code
 * Mixture.newBuilder().add(web, 0.7).add(code, 0.3).length(1_000_000).build()}, then {@code
 * Loader.newBuilder(mixture)...}.
 *
 * <p>Each source keeps its own order (the loader's order, shuffled with a key of its own) and its
 * own epochs: a source drawn more often than it has rows starts its next epoch, reshuffled, so a
 * small source is repeated and a large one subsampled. Which source a position draws from is
 * either blended (the default: each position goes to the source furthest below its share, so that
 * after any {@code n} positions every source has {@code weight * n} of them, within one) or
 * sampled from a seed. The mixture's epoch is {@link Builder#length} positions, or ends when a
 * source is first used up ({@link Builder#firstExhausted}, the default as in {@code datasets}) or
 * when every source has been ({@link Builder#allExhausted}); its pattern is the same every epoch
 * while the sources go on through their own rows.
 *
 * <p>The sources' columns must agree: the same names, in the same order, of the same types and
 * features. Select the columns to train on from each split first ({@link Split#select}) when the
 * splits hold others too.
 */
public final class Mixture {
  private final List<Split> sources;
  private final double[] weights;
  private final boolean sampled;
  private final long seed;
  private final MixPlan.Length rule;
  private final long length;
  private volatile Planned planned;

  private Mixture(Builder b) {
    this.sources = List.copyOf(b.sources);
    double sum = 0;
    for (double w : b.weights) {
      sum += w;
    }
    this.weights = new double[b.weights.size()];
    for (int d = 0; d < weights.length; d++) {
      weights[d] = b.weights.get(d) / sum;
    }
    this.sampled = b.sampled != null;
    this.seed = b.sampled == null ? 0 : b.sampled;
    this.rule = b.rule == null ? MixPlan.Length.FIRST_EXHAUSTED : b.rule;
    this.length = b.length;
  }

  /** Returns a builder of mixtures. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the sources, in the order they were added. */
  public List<Split> sources() {
    return sources;
  }

  /** Returns source {@code source}'s share of the positions: its weight over the weights' sum. */
  public double weight(int source) {
    Objects.checkIndex(source, weights.length);
    return weights[source];
  }

  /** Returns "blend" or "sample": how the mixture decides each position's source. */
  public String mode() {
    return sampled ? "sample" : "blend";
  }

  /** Returns the seed of the sampled mode, or 0 for a blend. */
  public long seed() {
    return seed;
  }

  /** Returns the epoch's length: a number of positions, "first_exhausted" or "all_exhausted". */
  public String length() {
    return rule == MixPlan.Length.FIXED
        ? Long.toString(length)
        : rule.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Returns the plan of one epoch over sources of {@code rows} rows (rows or packed samples), kept
   * for the next loader over the same counts: walking a long epoch takes a while, and a plan is
   * read by any number of loaders at once.
   */
  MixPlan plan(long[] rows) {
    Planned p = planned;
    if (p == null || !Arrays.equals(p.rows(), rows)) {
      p = new Planned(rows.clone(), MixPlan.of(rows, weights.clone(), sampled, seed, rule, length));
      planned = p;
    }
    return p.plan();
  }

  /** The last plan made, and the counts it was made over. */
  private record Planned(long[] rows, MixPlan plan) {}

  /**
   * A builder of {@link Mixture}s. Each option may be set once, and sources added in the order
   * their positions in the state and in the CLI's output follow.
   */
  public static final class Builder {
    private final List<Split> sources = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private final IdentityHashMap<Split, Integer> added = new IdentityHashMap<>();
    private Long sampled;
    private MixPlan.Length rule;
    private long length;

    private Builder() {}

    /**
     * Adds {@code split} with weight {@code weight}; weights need not sum to one.
     *
     * @throws IllegalArgumentException if the weight is negative, NaN or infinite, the split has no
     *     rows, or it was added already
     */
    public Builder add(Split split, double weight) {
      Objects.requireNonNull(split, "split");
      int source = sources.size();
      if (!(weight >= 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException(
            "a weight must be a finite number of at least 0, found " + weight + " for source "
                + source + " (" + split.name() + ")");
      }
      if (split.size() == 0) {
        throw new IllegalArgumentException(
            "source " + source + " (split " + split.name() + ") has no rows to draw from");
      }
      Integer earlier = added.putIfAbsent(split, source);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "source " + source + " is source " + earlier + " again (split " + split.name()
                + "); give it one weight");
      }
      sources.add(split);
      weights.add(weight);
      return this;
    }

    /** Draws each position's source at random from {@code seed}, the weights as probabilities. */
    public Builder sample(long seed) {
      requireUnset(sampled, "sample");
      this.sampled = seed;
      return this;
    }

    /**
     * Makes each epoch {@code positions} positions long.
     *
     * @throws IllegalArgumentException if {@code positions} is not in {@code [1, 2^31 - 9]}
     */
    public Builder length(long positions) {
      if (positions < 1 || positions > MixPlan.MAX_LENGTH) {
        throw new IllegalArgumentException(
            "a mixture's length must be in [1, " + MixPlan.MAX_LENGTH + "], found " + positions);
      }
      setRule(MixPlan.Length.FIXED);
      this.length = positions;
      return this;
    }

    /** Ends each epoch when one source has been drawn as many times as it has rows (default). */
    public Builder firstExhausted() {
      setRule(MixPlan.Length.FIRST_EXHAUSTED);
      return this;
    }

    /** Ends each epoch when every source has been drawn at least as many times as it has rows. */
    public Builder allExhausted() {
      setRule(MixPlan.Length.ALL_EXHAUSTED);
      return this;
    }

    /**
     * Returns the mixture.
     *
     * @throws IllegalStateException if no source was added, every weight is zero, or the sources'
     *     columns differ (the message names the source, the column and both types)
     */
    public Mixture build() {
      if (sources.isEmpty()) {
        throw new IllegalStateException("a mixture needs at least one source");
      }
      if (weights.stream().allMatch(w -> w == 0)) {
        throw new IllegalStateException("every weight is zero: " + weights);
      }
      for (int d = 1; d < sources.size(); d++) {
        checkColumns(sources.get(0), sources.get(d), d);
      }
      return new Mixture(this);
    }

    private static void checkColumns(Split first, Split other, int source) {
      List<String> names = first.columnNames();
      if (!names.equals(other.columnNames())) {
        throw new IllegalStateException(
            "source "
                + source
                + " ("
                + other.name()
                + ") has columns "
                + other.columnNames()
                + ", source 0 ("
                + first.name()
                + ") has "
                + names
                + "; select the same columns of each");
      }
      for (String column : names) {
        Field a = first.schema().findField(column);
        Field b = other.schema().findField(column);
        Feature fa = first.features().get(column);
        Feature fb = other.features().get(column);
        if (!a.getType().equals(b.getType())
            || !a.getChildren().equals(b.getChildren())
            || !String.valueOf(fa).equals(String.valueOf(fb))) {
          throw new IllegalStateException(
              "column '"
                  + column
                  + "' of source "
                  + source
                  + " ("
                  + other.name()
                  + ") is "
                  + describe(b, fb)
                  + ", in source 0 ("
                  + first.name()
                  + ") it is "
                  + describe(a, fa));
        }
      }
    }

    private static String describe(Field field, Feature feature) {
      String type =
          field.getType() + (field.getChildren().isEmpty() ? "" : field.getChildren().toString());
      return feature == null ? type : type + " (feature " + feature + ")";
    }

    private void setRule(MixPlan.Length value) {
      requireUnset(rule, "length");
      this.rule = value;
    }

    private static void requireUnset(Object value, String option) {
      if (value != null) {
        throw new IllegalStateException(option + " was already set to " + value);
      }
    }
  }
}
