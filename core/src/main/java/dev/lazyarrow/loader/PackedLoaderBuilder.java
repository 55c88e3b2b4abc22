package dev.lazyarrow.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Objects;
import java.util.function.IntFunction;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * A builder of {@link PackedLoader}s, made by {@link LoaderBuilder#pack}: the loader builder's
 * order, epoch, sharding, batch size (counting samples), drop-last, curriculum, prefetch and resume
 * carry over. Each option may be set once. Defaults: the concatenated stream, no end-of-document
 * token, heap buffers.
 */
public final class PackedLoaderBuilder {
  /** Documents per bin-packing window unless told: a few hundred samples' worth. */
  static final int DEFAULT_WINDOW = 1000;

  private final LoaderBuilder rows;
  private final int seqLen;
  private final String tokenColumn;
  private String mode;
  private int window;
  private Long eod;
  private Boolean eodMaskLoss;
  private IntFunction<IntBuffer> allocate;

  PackedLoaderBuilder(LoaderBuilder rows, int seqLen, String tokenColumn) {
    this.rows = rows;
    this.seqLen = seqLen;
    this.tokenColumn = tokenColumn;
  }

  /**
   * Follows every document with token {@code id}, as Megatron's {@code --append-eod}: it is the
   * document's last token, position {@code len(row)} of its span.
   *
   * @throws IllegalArgumentException if {@code id} is negative
   */
  public PackedLoaderBuilder eod(int id) {
    requireUnset(eod, "eod");
    if (id < 0) {
      throw new IllegalArgumentException("eod must be a token id, not negative: " + id);
    }
    this.eod = (long) id;
    return this;
  }

  /**
   * Sets the loss mask to 0 where an input is the end-of-document token, so that no document is
   * learned to follow another, as Megatron's {@code eod_mask_loss}; needs {@link #eod}.
   */
  public PackedLoaderBuilder eodMaskLoss() {
    requireUnset(eodMaskLoss, "eodMaskLoss");
    this.eodMaskLoss = true;
    return this;
  }

  /**
   * Packs whole documents into padded bins instead of one stream, first fit over windows of {@code
   * windowDocuments} documents in the loader's order.
   *
   * @throws IllegalArgumentException if {@code windowDocuments} is not positive
   */
  public PackedLoaderBuilder firstFit(int windowDocuments) {
    return bins("first-fit", windowDocuments);
  }

  /** Packs whole documents into padded bins, first fit, over windows of 1,000 documents. */
  public PackedLoaderBuilder firstFit() {
    return firstFit(DEFAULT_WINDOW);
  }

  /**
   * Packs whole documents into padded bins, best fit (each into the fullest bin it fits) over
   * windows of {@code windowDocuments} documents in the loader's order: fuller bins than first fit.
   *
   * @throws IllegalArgumentException if {@code windowDocuments} is not positive
   */
  public PackedLoaderBuilder bestFit(int windowDocuments) {
    return bins("best-fit", windowDocuments);
  }

  /**
   * Writes each batch's arrays into direct, native-order buffers, which a native engine can take
   * without another copy.
   */
  public PackedLoaderBuilder directBuffers() {
    return buffers(
        values ->
            ByteBuffer.allocateDirect(Math.multiplyExact(values, Integer.BYTES))
                .order(ByteOrder.nativeOrder())
                .asIntBuffer());
  }

  /**
   * Writes each batch's arrays into buffers of the caller's: {@code allocate} is asked for a
   * writable buffer of at least the given number of ints, heap or direct in native order, five
   * times a batch the loader holds at once (one, or the prefetch depth), at the start of each
   * epoch's iteration.
   */
  public PackedLoaderBuilder buffers(IntFunction<IntBuffer> allocate) {
    requireUnset(this.allocate, "buffers");
    this.allocate = Objects.requireNonNull(allocate, "allocate");
    return this;
  }

  /**
   * Returns the loader.
   *
   * @throws IllegalArgumentException if the token column is not a list of integers (int8..int64),
   *     or a resumed state was saved by a loader that packs otherwise or not at all
   * @throws dev.lazyarrow.format.LazyArrowException if a split records another tokenizer than
   *     {@link LoaderBuilder#expectTokenizer} expects, or none
   */
  public PackedLoader build() {
    rows.checkTokenizer();
    LoaderState.Packing packing =
        new LoaderState.Packing(
            seqLen,
            tokenColumn,
            mode == null ? "concat" : mode,
            window,
            eod == null ? -1 : eod,
            Boolean.TRUE.equals(eodMaskLoss));
    Sources tokens = rows.sources(tokenColumn);
    for (int d = 0; d < tokens.count(); d++) {
      requireIntegerList(tokens.split(d).schema().findField(tokenColumn), tokens.split(d).name());
    }
    Orders orders = new Orders(tokens);
    MixPlan mix = null;
    long[] perEpoch = null;
    if (tokens.mixture() != null) {
      if (mode != null) {
        throw new IllegalStateException(
            "bins over a mixture are not made: a mixture draws samples of its sources' streams, as"
                + " Megatron's BlendedDataset does; pack with the default concat");
      }
      perEpoch =
          MixedPack.samplesPerSourceEpoch(
              tokens, orders.lengths(tokenColumn), eod == null ? 0 : 1, seqLen);
      for (int d = 0; d < perEpoch.length; d++) {
        if (perEpoch[d] == 0) {
          throw new IllegalArgumentException(
              "source "
                  + d
                  + " ("
                  + tokens.split(d).name()
                  + ") holds fewer than the "
                  + (seqLen + 1)
                  + " tokens of one sample");
        }
      }
      mix = tokens.mixture().plan(perEpoch);
    }
    LoaderState state =
        rows.state(tokens, packing, mix == null ? null : MixtureState.of(tokens, mix));
    PackedLoader loader =
        new PackedLoader(
            tokens,
            orders,
            state,
            rows.prefetchDepth(),
            rows.workers(),
            allocate == null ? IntBuffer::allocate : allocate,
            mix,
            perEpoch);
    if (rows.resumes()) {
      loader.requireStepInEpoch();
    }
    return loader;
  }

  /** Sets the mode, window and end-of-document options {@code packing} was saved with. */
  PackedLoaderBuilder as(LoaderState.Packing packing) {
    if (packing.eod() >= 0) {
      eod((int) packing.eod());
    }
    if (packing.eodMaskLoss()) {
      eodMaskLoss();
    }
    return packing.mode().equals("concat") ? this : bins(packing.mode(), packing.window());
  }

  private PackedLoaderBuilder bins(String mode, int windowDocuments) {
    if (windowDocuments <= 0) {
      throw new IllegalArgumentException("the bin window must be positive: " + windowDocuments);
    }
    requireUnset(this.mode, "bins");
    this.mode = mode;
    this.window = windowDocuments;
    return this;
  }

  private static void requireIntegerList(Field field, String split) {
    ArrowType type = field.getType();
    boolean list =
        type instanceof ArrowType.List
            || type instanceof ArrowType.LargeList
            || type instanceof ArrowType.FixedSizeList;
    if (!list
        || field.getChildren().size() != 1
        || !(field.getChildren().get(0).getType() instanceof ArrowType.Int)
        || field.getChildren().get(0).getDictionary() != null) {
      throw new IllegalArgumentException(
          "column '"
              + field.getName()
              + "' of split "
              + split
              + " is "
              + field
              + ", not a list of integers (int8..int64) to pack");
    }
  }

  private static void requireUnset(Object value, String option) {
    if (value != null) {
      throw new IllegalStateException(option + " was already set to " + value);
    }
  }
}
