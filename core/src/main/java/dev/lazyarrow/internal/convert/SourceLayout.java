package dev.lazyarrow.internal.convert;

import java.nio.file.Path;
import java.util.List;

/**
 * A folder layout of conversion sources that an optional module adds (the Hub's Parquet folders, in
 * {@code lazyarrow-parquet}), found with {@link java.util.ServiceLoader} and tried after the
 * core's {@code save_to_disk} layout.
 */
public interface SourceLayout {
  /** Returns the name the manifest records for sources of this layout. */
  String name();

  /** Returns whether the folder {@code dir} is of this layout. */
  boolean matches(Path dir);

  /**
   * Lists the splits of {@code dir}, choosing config {@code config} (or null) where it has configs.
   *
   * @throws IllegalArgumentException if the config cannot be chosen
   * @throws dev.lazyarrow.format.LazyArrowException if the folder's files are not what it claims
   */
  List<SourceSplit> splits(Path dir, String config);
}
