package dev.lazyarrow.loader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Objects;

/**
 * Everything a loader needs to continue exactly where it was: its configuration and its position.
 *
 * <p>{@code step} counts the global batches that all ranks together have consumed in {@code epoch}
 * (a rank's step times the world size). A loader built from a state yields exactly the batches that
 * remained. Save it on every rank at the same training step, as a checkpoint does; all ranks then
 * hold the same state but for {@code rank}.
 *
 * <p>Resuming on a different number of ranks ({@link #withShard}) hands the global batches that
 * remain round-robin to the new ranks: no row is repeated or skipped, except the padding that evens
 * out the epoch's last round, which is computed anew for the new world size.
 *
 * @param version the state format, 1
 * @param rows the split's size, checked on resumption
 * @param seed the seed of the shuffles
 * @param epoch the current epoch
 * @param step global batches consumed in the current epoch
 * @param order "sequential", "shuffle" or "block"
 * @param window batches per window of the block shuffle
 * @param rank this process's rank
 * @param worldSize the number of ranks
 * @param dropLast whether the incomplete last round (and partial batch) is dropped
 * @param batchSize rows per batch, or 0 with a token budget
 * @param tokenBudget tokens per batch, or 0 with a fixed batch size
 * @param lengthColumn the list column whose lengths count as tokens, or null
 * @param paddedBudget whether a batch costs its longest length times its rows, not the sum
 * @param bucketWindow rows per length-bucketing window, or 0 for none
 * @param curriculumColumn the list or numeric column that scores difficulty, or null
 * @param curriculumEpochs how many first epochs follow the curriculum
 * @param pacing how the curriculum's coverage grows
 * @param pacingStart the fraction of rows the first curriculum epoch covers, with pacing
 * @param mixture the mixture's configuration, or null for a loader over one split
 * @param packing how a {@link PackedLoader} packs documents into samples, or null for a loader of
 *     rows; with packing, {@code batchSize} counts samples and {@code step} global batches of them
 */
public record LoaderState(
    int version,
    long rows,
    long seed,
    int epoch,
    long step,
    String order,
    int window,
    int rank,
    int worldSize,
    boolean dropLast,
    int batchSize,
    long tokenBudget,
    String lengthColumn,
    boolean paddedBudget,
    int bucketWindow,
    String curriculumColumn,
    int curriculumEpochs,
    Pacing pacing,
    double pacingStart,
    MixtureState mixture,
    Packing packing) {
  /** The state format this code reads and writes. */
  public static final int VERSION = 1;

  private static final List<String> ORDERS = List.of("sequential", "shuffle", "block");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Checks the state: every value in its range and the fields consistent with each other, so that
   * nothing sized from a state can be absurd.
   *
   * @throws IllegalArgumentException naming the field and its rule
   */
  public LoaderState {
    Objects.requireNonNull(pacing, "pacing");
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "unsupported loader state version " + version + "; this reader supports " + VERSION);
    }
    require(rows >= 0, "rows must not be negative", rows);
    require(epoch >= 0, "epoch must not be negative", epoch);
    // A batch holds at least one position, so an epoch has at most as many batches as positions;
    // one document makes many samples, so a packed loader checks its own step at build time.
    long positions =
        mixture != null ? mixture.positions() : packing != null ? Long.MAX_VALUE : rows;
    // The messages below are built only on failure: a loader makes a state after every batch.
    if (step < 0 || step > positions) {
      throw new IllegalArgumentException(
          "step must be in [0, "
              + (mixture == null ? "rows" : "the mixture's positions")
              + " = "
              + positions
              + "], found "
              + step);
    }
    if (order == null || !ORDERS.contains(order)) {
      throw new IllegalArgumentException("order must be one of " + ORDERS + ", found " + order);
    }
    require(
        order.equals("block") ? window >= 1 : window >= 0,
        order.equals("block")
            ? "window must be positive with order block"
            : "window must not be negative",
        window);
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank must be in [0, worldSize) with worldSize >= 1,"
              + " found rank "
              + rank
              + " of "
              + worldSize);
    }
    require(tokenBudget >= 0, "tokenBudget must not be negative", tokenBudget);
    require(
        tokenBudget > 0 ? batchSize == 0 : batchSize >= 1,
        tokenBudget > 0
            ? "batchSize must be 0 with a token budget"
            : "batchSize must be positive without a token budget",
        batchSize);
    if ((lengthColumn != null) != (tokenBudget > 0)) {
      throw new IllegalArgumentException(
          "lengthColumn must be given exactly with a token budget (tokenBudget "
              + tokenBudget
              + "), found "
              + lengthColumn);
    }
    require(bucketWindow >= 0, "bucketWindow must not be negative", bucketWindow);
    require(
        bucketWindow == 0 || tokenBudget > 0,
        "bucketWindow needs a token budget (length bucketing packs token-budget batches)",
        bucketWindow);
    require(curriculumEpochs >= 0, "curriculumEpochs must not be negative", curriculumEpochs);
    require(pacingStart > 0 && pacingStart <= 1, "pacingStart must be in (0, 1]", pacingStart);
  }

  /** Returns this state as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write loader state", e);
    }
  }

  /**
   * Reads a state written by {@link #toJson}, strictly: one JSON object holding every field of the
   * record and no other, each once; integers as JSON integers within their Java type (no strings,
   * no fractions), booleans as booleans, {@code pacing} one of {@link Pacing}'s names; any JSON
   * whitespace, nothing after the object. The values are then checked as the constructor checks
   * them.
   *
   * @throws IllegalArgumentException if {@code json} is not such a state; the message names the
   *     field and the rule it breaks
   */
  public static LoaderState fromJson(String json) {
    Objects.requireNonNull(json, "json");
    return StateReader.read(json);
  }

  /** Returns this state for rank {@code rank} of {@code worldSize}: how a run changes size. */
  public LoaderState withShard(int rank, int worldSize) {
    return with(epoch, step, rank, worldSize);
  }

  /** Returns this state moved to {@code epoch} at {@code step}. */
  LoaderState at(int epoch, long step) {
    return with(epoch, step, rank, worldSize);
  }

  /** Returns a copy that differs in position and sharding only: the configuration never changes. */
  private LoaderState with(int epoch, long step, int rank, int worldSize) {
    return new LoaderState(
        version,
        rows,
        seed,
        epoch,
        step,
        order,
        window,
        rank,
        worldSize,
        dropLast,
        batchSize,
        tokenBudget,
        lengthColumn,
        paddedBudget,
        bucketWindow,
        curriculumColumn,
        curriculumEpochs,
        pacing,
        pacingStart,
        mixture,
        packing);
  }

  /**
   * How a {@link PackedLoader} cuts documents into samples of {@code seqLen + 1} tokens; a state
   * resumes only a loader that packs the same way.
   *
   * @param seqLen the inputs of a sample; a sample holds one token more, the last label
   * @param tokenColumn the list column of token ids
   * @param mode "concat" (one stream cut into samples), "first-fit" or "best-fit" (whole documents
   *     in padded bins)
   * @param window documents per bin-packing window, 0 for "concat"
   * @param eod the end-of-document token appended to every document, or -1 for none
   * @param eodMaskLoss whether the loss mask is 0 where an input is an appended end-of-document
   *     token
   */
  public record Packing(
      int seqLen, String tokenColumn, String mode, int window, long eod, boolean eodMaskLoss) {
    /** The modes, as the state names them. */
    static final java.util.List<String> MODES =
        java.util.List.of("concat", "first-fit", "best-fit");

    /** Checks the packing. */
    public Packing {
      Objects.requireNonNull(tokenColumn, "tokenColumn");
      if (seqLen <= 0 || seqLen == Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "sequence length must be in [1, 2^31 - 2], found " + seqLen);
      }
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException(
            "packing mode must be concat, first-fit or best-fit, found '" + mode + "'");
      }
      if (mode.equals("concat") ? window != 0 : window <= 0) {
        throw new IllegalArgumentException(
            "the bin window must be positive for bins and 0 for concat, found " + window);
      }
      if (eod < -1 || eod > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "eod must be a token id in [0, 2^31 - 1], or -1 for none, found " + eod);
      }
      if (eodMaskLoss && eod < 0) {
        throw new IllegalArgumentException("eodMaskLoss needs an eod token");
      }
    }
  }

  private static void require(boolean condition, String rule, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(rule + ", found " + value);
    }
  }
}
