package dev.lazyarrow.convert;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.SourceFormat;
import dev.lazyarrow.internal.convert.SourceLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * The source formats and layouts of the optional modules on the class path, found once with {@link
 * ServiceLoader}, beside the core's own; a source that needs a module that is missing is told its
 * artifact.
 */
final class Modules {
  /** The module that reads Parquet, named when it is missing. */
  static final String PARQUET = "dev.lazyarrow:lazyarrow-parquet";

  private static final List<SourceFormat> FORMATS = load(SourceFormat.class, CoreFormat.values());
  private static final List<SourceLayout> LAYOUTS = load(SourceLayout.class);

  private Modules() {}

  @SafeVarargs
  private static <T> List<T> load(Class<T> service, T... own) {
    List<T> found = new ArrayList<>(List.of(own));
    ServiceLoader.load(service, Modules.class.getClassLoader()).forEach(found::add);
    return List.copyOf(found);
  }

  /** Returns the layouts the optional modules add. */
  static List<SourceLayout> layouts() {
    return LAYOUTS;
  }

  /**
   * Returns the format of the file {@code file}, by its name's ending, or null if none is known.
   *
   * @throws LazyArrowException naming the module to add if the file is Parquet and no module on
   *     the class path reads it
   */
  static SourceFormat format(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    for (SourceFormat format : FORMATS) {
      if (format.extensions().stream().anyMatch(name::endsWith)) {
        return format;
      }
    }
    if (name.endsWith(".parquet")) {
      throw missing(file, "Reading Parquet");
    }
    return null;
  }

  /** Returns the error for {@code work} on {@code file} without the Parquet module. */
  static LazyArrowException missing(Path file, String work) {
    return new LazyArrowException(
        file,
        work
            + " needs the module "
            + PARQUET
            + ", which is not on the class path; add it to your pom (it brings Parquet-MR and the"
            + " Hadoop classes it needs)");
  }
}
