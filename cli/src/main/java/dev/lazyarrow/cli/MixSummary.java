package dev.lazyarrow.cli;

import dev.lazyarrow.loader.Loader;
import dev.lazyarrow.loader.LoaderBuilder;
import dev.lazyarrow.loader.LoaderState;
import dev.lazyarrow.loader.Mixture;
import dev.lazyarrow.loader.MixtureState;
import dev.lazyarrow.loader.PackedLoader;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * {@code plan --mix ... --summary}: how one epoch of a mixture draws from its sources, one JSON
 * line per source, then the epoch's.
 */
final class MixSummary {
  private MixSummary() {}

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder();
    PythonJson.appendString(out, s);
    return out.toString();
  }

  /**
   * Prints, per source, its split, rows, weight, the positions of an epoch that draw from it, their
   * share, and the epochs of its own they go through: rows, or with {@code pack} its samples.
   */
  static void print(
      Mixture mixture,
      LoaderBuilder builder,
      PackOptions pack,
      String lengthColumn,
      LoaderState resumed,
      PrintWriter out) {
    MixtureState state;
    long[] perSourceEpoch = new long[mixture.sources().size()];
    if (pack == null) {
      try (Loader loader = builder.build()) {
        state = loader.state().mixture();
      }
      for (int d = 0; d < perSourceEpoch.length; d++) {
        perSourceEpoch[d] = mixture.sources().get(d).size();
      }
    } else {
      try (PackedLoader loader = pack.build(builder, lengthColumn, resumed)) {
        state = loader.state().mixture();
        for (int d = 0; d < perSourceEpoch.length; d++) {
          LoaderState.Packing p = loader.state().packing();
          try (PackedLoader alone =
              pack.build(Loader.newBuilder(mixture.sources().get(d)), p.tokenColumn(), resumed)) {
            perSourceEpoch[d] = alone.samplesPerEpoch();
          }
        }
      }
    }
    List<MixtureState.Source> sources = state.sources();
    for (int d = 0; d < sources.size(); d++) {
      MixtureState.Source s = sources.get(d);
      out.println(
          String.format(
              Locale.ROOT,
              "{\"source\": %d, \"split\": %s, \"rows\": %d, \"weight\": %s, \"%s\": %d,"
                  + " \"positions\": %d, \"share\": %.6f, \"epochs\": %.6f}",
              d,
              quoted(s.split()),
              s.rows(),
              s.weight(),
              pack == null ? "rows_per_epoch" : "samples_per_epoch",
              perSourceEpoch[d],
              s.perEpoch(),
              (double) s.perEpoch() / state.positions(),
              (double) s.perEpoch() / perSourceEpoch[d]));
    }
    out.println(
        String.format(
            Locale.ROOT,
            "{\"positions\": %d, \"mode\": \"%s\", \"length\": %s}",
            state.positions(),
            state.mode(),
            quoted(state.length())));
  }
}
