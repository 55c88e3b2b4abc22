package dev.lazyarrow.loader;

import dev.lazyarrow.Split;
import java.util.List;
import java.util.Objects;

/**
 * A builder of {@link Loader}s over one split or a {@link Mixture}, for example {@code
 * Loader.newBuilder(split).shuffle(seed).shard(rank, worldSize).batchSize(32).prefetch(4).build()}.
 *
 * <p>Each option may be set once. Defaults: sequential order, epoch 0, one rank, batches of one
 * row, every column of the split, no prefetch. {@link #resume} takes every option but prefetching
 * and columns from a saved state; only {@link #shard} may follow it, to resume on a different
 * number of ranks, and {@link #prefetch} and {@link #columns}.
 */
public final class LoaderBuilder {
  /** The epoch no loader starts: the one after it would not fit an {@code int}. */
  static final int LAST_EPOCH = Integer.MAX_VALUE;

  private final Split split;
  private final Mixture mixture;
  private LoaderState resumed;
  private Long seed;
  private Integer epoch;
  private String order;
  private int window;
  private int[] shard;
  private Boolean dropLast;
  private Integer batchSize;
  private Long tokenBudget;
  private String lengthColumn;
  private Boolean paddedBudget;
  private Integer bucketWindow;
  private String curriculumColumn;
  private int curriculumEpochs;
  private Pacing pacing;
  private double pacingStart;
  private Integer prefetch;
  private int workers = 1;
  private Split columns;

  private String[] columnNames;
  private String tokenizerSha256;

  private LoaderBuilder(Split split, Mixture mixture) {
    this.split = split;
    this.mixture = mixture;
  }

  /** Returns a builder of loaders over {@code split}; {@link Loader#newBuilder} calls this. */
  static LoaderBuilder of(Split split) {
    return new LoaderBuilder(Objects.requireNonNull(split, "split"), null);
  }

  /** Returns a builder of loaders over {@code mixture}. */
  static LoaderBuilder of(Mixture mixture) {
    return new LoaderBuilder(null, Objects.requireNonNull(mixture, "mixture"));
  }

  /** Shuffles all rows, anew each epoch, from {@code seed}. */
  public LoaderBuilder shuffle(long seed) {
    setOrder("shuffle", seed);
    return this;
  }

  /**
   * Shuffles record batches, then rows inside windows of {@code windowBatches} batches, from {@code
   * seed}: cache-friendly on data larger than the cache, less random than {@link #shuffle}.
   *
   * @throws IllegalArgumentException if {@code windowBatches} is not positive
   */
  public LoaderBuilder blockShuffle(long seed, int windowBatches) {
    requireArgument(windowBatches > 0, "window must be positive", windowBatches);
    setOrder("block", seed);
    this.window = windowBatches;
    return this;
  }

  /**
   * Starts at epoch {@code epoch} (orders differ by epoch).
   *
   * @throws IllegalArgumentException unless {@code 0 <= epoch <} {@value #LAST_EPOCH}
   */
  public LoaderBuilder epoch(int epoch) {
    requireArgument(
        epoch >= 0 && epoch < LAST_EPOCH,
        "epoch must be in [0, " + LAST_EPOCH + "), so that the next epoch can be counted",
        epoch);
    requireUnset(this.epoch, "epoch");
    this.epoch = epoch;
    return this;
  }

  /**
   * Reads only rank {@code rank}'s share of each epoch, out of {@code worldSize} ranks; allowed
   * after {@link #resume} to change the number of ranks.
   *
   * @throws IllegalArgumentException unless {@code 0 <= rank < worldSize}
   */
  public LoaderBuilder shard(int rank, int worldSize) {
    if (worldSize < 1 || rank < 0 || rank >= worldSize) {
      throw new IllegalArgumentException(
          "rank must be in [0, worldSize) with worldSize >= 1, found"
              + " rank "
              + rank
              + " of "
              + worldSize);
    }
    requireUnset(shard == null ? null : shard[0] + " of " + shard[1], "shard");
    this.shard = new int[] {rank, worldSize};
    return this;
  }

  /** Drops the epoch's incomplete last round (and partial batch) instead of padding it. */
  public LoaderBuilder dropLast() {
    requireUnset(dropLast, "dropLast");
    this.dropLast = true;
    return this;
  }

  /** Makes batches of {@code rows} rows. */
  public LoaderBuilder batchSize(int rows) {
    requireArgument(rows > 0, "batch size must be positive", rows);
    requireUnset(batchSize, "batch size");
    requireState(tokenBudget == null, "batch size and token budget exclude each other");
    this.batchSize = rows;
    return this;
  }

  /**
   * Makes batches whose token count stays within {@code tokens}: the sum of the lengths of the list
   * column {@code lengthColumn} (read from its offsets), or with {@link #paddedBudget} the longest
   * length times the rows. A row longer than the budget makes a batch of its own.
   */
  public LoaderBuilder tokenBudget(long tokens, String lengthColumn) {
    requireArgument(tokens > 0, "token budget must be positive", tokens);
    requireUnset(tokenBudget, "token budget");
    requireState(batchSize == null, "batch size and token budget exclude each other");
    this.tokenBudget = tokens;
    this.lengthColumn = Objects.requireNonNull(lengthColumn, "lengthColumn");
    return this;
  }

  /** Counts a batch's tokens as its longest length times its rows: the padded tensor's size. */
  public LoaderBuilder paddedBudget() {
    requireUnset(paddedBudget, "padded budget");
    this.paddedBudget = true;
    return this;
  }

  /**
   * Sorts each window of {@code windowRows} rows by length before packing token-budget batches,
   * then shuffles the window's batches: less padding, random batch order.
   */
  public LoaderBuilder bucketByLength(int windowRows) {
    requireArgument(windowRows > 0, "bucket window must be positive", windowRows);
    requireUnset(bucketWindow, "bucket window");
    this.bucketWindow = windowRows;
    return this;
  }

  /**
   * Orders the first {@code epochs} epochs easy-first by {@code column}: a list column's length or
   * a numeric column's value, ascending. Later epochs use the configured order.
   */
  public LoaderBuilder curriculum(String column, int epochs) {
    requireState(
        mixture == null,
        "a curriculum orders one split; the sources of a mixture keep their own orders");
    requireArgument(epochs > 0, "curriculum epochs must be positive", epochs);
    requireUnset(curriculumColumn, "curriculum");
    this.curriculumColumn = Objects.requireNonNull(column, "column");
    this.curriculumEpochs = epochs;
    return this;
  }

  /**
   * Lets curriculum epochs cover only the easiest rows at first, from fraction {@code start} up to
   * all rows by the last curriculum epoch.
   */
  public LoaderBuilder pacing(Pacing pacing, double start) {
    requireArgument(start > 0 && start <= 1, "pacing start must be in (0, 1]", start);
    requireUnset(this.pacing, "pacing");
    this.pacing = Objects.requireNonNull(pacing, "pacing");
    this.pacingStart = start;
    return this;
  }

  /**
   * Prepares up to {@code batches} batches ahead on {@code workers} background threads: for a
   * loader told its columns ({@link #columns}, or a projected split), their collations (see {@link
   * TrainingBatch}), otherwise their rows.
   *
   * @throws IllegalArgumentException if either is not positive
   */
  public LoaderBuilder prefetch(int batches, int workers) {
    requireArgument(batches > 0, "prefetch must be positive", batches);
    requireArgument(workers > 0, "workers must be positive", workers);
    requireUnset(prefetch, "prefetch");
    this.prefetch = batches;
    this.workers = workers;
    return this;
  }

  /**
   * Reads only the columns {@code columns} in this loader's batches, as {@code
   * split.select(columns)} does for a whole split: their collations are prepared ahead with {@link
   * #prefetch}, and rows hold only them. Orders, token budgets and curricula may still use any
   * column of the split. Allowed after {@link #resume}: the state does not hold the columns.
   *
   * @throws IllegalArgumentException if a name is not a column of the split (the message lists
   *     them), is given twice, or none is given
   */
  public LoaderBuilder columns(String... columns) {
    requireUnset(columnNames == null ? null : List.of(columnNames), "columns");
    if (mixture == null) {
      this.columns = split.select(columns);
    } else {
      for (Split source : mixture.sources()) {
        source.select(columns);
      }
    }
    this.columnNames = columns.clone();
    return this;
  }

  /**
   * Makes {@link #build} refuse a split whose token ids were not made by the tokenizer file of
   * SHA-256 {@code sha256}, as the dataset's manifest records it ({@code lazyarrow convert
   * --tokenizer}): ids from another tokenizer, or none recorded, would train on the wrong tokens.
   *
   * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits
   */
  public LoaderBuilder expectTokenizer(String sha256) {
    this.tokenizerSha256 = ExpectedTokenizer.require(sha256);
    return this;
  }

  /** Prepares up to {@code batches} batches ahead on one background thread. */
  public LoaderBuilder prefetch(int batches) {
    return prefetch(batches, 1);
  }

  /**
   * Continues from a saved {@code state}: same configuration and position.
   *
   * @throws IllegalStateException if any option but prefetch and columns was set before
   * @throws IllegalArgumentException if the state was saved for a split of another size or is at
   *     epoch {@value #LAST_EPOCH}; {@link #build} also refuses a state whose step lies beyond its
   *     epoch's batches
   */
  public LoaderBuilder resume(LoaderState state) {
    Objects.requireNonNull(state, "state");
    requireState(
        resumed == null
            && seed == null
            && epoch == null
            && shard == null
            && dropLast == null
            && batchSize == null
            && tokenBudget == null
            && paddedBudget == null
            && bucketWindow == null
            && curriculumColumn == null
            && pacing == null,
        "resume must come before every option but prefetch and columns");
    Resumption.requireFits(state, split, mixture);
    this.resumed = state;
    return this;
  }

  /**
   * Returns a builder of a loader of packed samples instead of rows: the documents of the list
   * column {@code tokenColumn} (token ids, int8..int64) in this builder's order, laid end to end
   * and cut into samples of {@code seqLen + 1} tokens (or packed into bins), {@link #batchSize}
   * counting samples. Order, epoch, shard, batch size, drop-last, curriculum, prefetch and resume
   * carry over; a resumed state must have been saved by a loader that packs the same way.
   *
   * @throws IllegalArgumentException if {@code seqLen} is not in {@code [1, 2^31 - 2]}
   * @throws IllegalStateException if a token budget, length bucketing or columns were set: a packed
   *     loader's batches are samples of its token column
   */
  public PackedLoaderBuilder pack(int seqLen, String tokenColumn) {
    requireArgument(
        seqLen > 0 && seqLen < Integer.MAX_VALUE,
        "sequence length must be in [1, 2^31 - 2]",
        seqLen);
    Objects.requireNonNull(tokenColumn, "tokenColumn");
    requireState(
        tokenBudget == null && bucketWindow == null && paddedBudget == null,
        "a packed loader's batches hold batchSize samples: a token budget has no place in it");
    requireState(columnNames == null, "a packed loader reads its token column alone, not columns");
    requireState(
        resumed == null || resumed.packing() != null,
        "the state was saved by a loader of rows, not of packed samples");
    return new PackedLoaderBuilder(this, seqLen, tokenColumn);
  }

  /**
   * Returns a builder of a packed loader that packs as the loader of the {@link #resume}d state
   * did: its sequence length, token column, mode, window and end-of-document token.
   *
   * @throws IllegalStateException if no state of packed samples was resumed
   */
  public PackedLoaderBuilder pack() {
    requireState(
        resumed != null && resumed.packing() != null,
        "pack() packs as a resumed state of packed samples did: resume one first");
    LoaderState.Packing packing = resumed.packing();
    return pack(packing.seqLen(), packing.tokenColumn()).as(packing);
  }

  /**
   * Returns the loader.
   *
   * @throws dev.lazyarrow.format.LazyArrowException if a split records another tokenizer than
   *     {@link #expectTokenizer} expects, or none
   * @throws IllegalStateException if length bucketing was asked for without a token budget
   * @throws IllegalArgumentException if a resumed state's step lies beyond its epoch's batches
   */
  public Loader build() {
    checkTokenizer();
    requireState(
        bucketWindow == null || tokenBudget != null, "length bucketing needs a token budget");
    Sources sources =
        mixture == null
            ? Sources.of(split, columns != null ? columns : split)
            : Sources.of(mixture, columnNames);
    LoaderState state = state(sources, null, mixture == null ? null : MixtureState.of(sources));
    SplitLoader loader = new SplitLoader(sources, state, prefetchDepth(), workers);
    if (resumed != null) {
      loader.requireStepInEpoch();
    }
    return loader;
  }

  /** Checks the tokenizer {@link #expectTokenizer} expects against every split read, if set. */
  void checkTokenizer() {
    if (tokenizerSha256 != null) {
      ExpectedTokenizer.check(
          mixture == null ? List.of(split) : mixture.sources(), tokenizerSha256);
    }
  }

  /** Returns the sources read through their column {@code column} alone, as packing reads them. */
  Sources sources(String column) {
    return mixture == null
        ? Sources.of(split, split.select(column))
        : Sources.of(mixture, new String[] {column});
  }

  /** Returns whether the loader continues a saved state. */
  boolean resumes() {
    return resumed != null;
  }

  /** Returns the batches to prepare ahead, 0 for none. */
  int prefetchDepth() {
    return prefetch == null ? 0 : prefetch;
  }

  /** Returns the prefetch threads. */
  int workers() {
    return workers;
  }

  /**
   * Returns the state a loader over {@code sources} starts from: the resumed one, checked to pack
   * as {@code packing} does (null: not at all) and to mix as {@code mixed} (null: one split), or
   * the options' with both.
   */
  LoaderState state(Sources sources, LoaderState.Packing packing, MixtureState mixed) {
    if (resumed != null) {
      Resumption.requireMatches(resumed, sources, packing, mixed);
    }
    LoaderState state =
        resumed != null
            ? resumed
            : new LoaderState(
                LoaderState.VERSION,
                sources.size(),
                seed == null ? 0 : seed,
                epoch == null ? 0 : epoch,
                0,
                order == null ? "sequential" : order,
                window,
                0,
                1,
                Boolean.TRUE.equals(dropLast),
                tokenBudget == null ? (batchSize == null ? 1 : batchSize) : 0,
                tokenBudget == null ? 0 : tokenBudget,
                lengthColumn,
                Boolean.TRUE.equals(paddedBudget),
                bucketWindow == null ? 0 : bucketWindow,
                curriculumColumn,
                curriculumEpochs,
                pacing == null ? Pacing.NONE : pacing,
                pacing == null ? 1 : pacingStart,
                mixed,
                packing);
    return shard == null ? state : state.withShard(shard[0], shard[1]);
  }

  private void setOrder(String order, long seed) {
    requireUnset(this.order, "order");
    this.order = order;
    this.seed = seed;
  }

  private void requireUnset(Object value, String option) {
    requireState(value == null, option + " was already set to " + value);
    requireState(
        resumed == null || List.of("shard", "prefetch", "columns").contains(option),
        option + " cannot be set after resume; the state holds it");
  }

  private static void requireState(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  private static void requireArgument(boolean condition, String rule, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(rule + ": " + value);
    }
  }
}
