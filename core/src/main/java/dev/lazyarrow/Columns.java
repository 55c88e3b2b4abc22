package dev.lazyarrow;

import dev.lazyarrow.format.Feature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The columns of a split or of a projection of it, shared by all its rows: names, positions, Arrow
 * fields, features, and where each column sits in the record batches.
 */
final class Columns {
  final List<String> names;
  final List<Field> fields;
  final Map<String, Feature> features;

  /** The position of each column among the record batches' vectors. */
  final int[] source;

  /** Whether the columns are all the batches' columns, in their order. */
  final boolean whole;

  private final Map<String, Integer> positions = new HashMap<>();

  Columns(Schema schema, Map<String, Feature> features) {
    this(List.copyOf(schema.getFields()), features, null);
  }

  private Columns(List<Field> fields, Map<String, Feature> features, int[] source) {
    this.fields = fields;
    this.names = fields.stream().map(Field::getName).toList();
    this.features = features;
    this.whole = source == null;
    this.source = source != null ? source : IntStream.range(0, fields.size()).toArray();
    for (int i = 0; i < names.size(); i++) {
      positions.putIfAbsent(names.get(i), i);
    }
  }

  /**
   * Returns the projection on {@code selected}, in that order, with their features.
   *
   * @throws IllegalArgumentException if a name is not a column or is given twice
   */
  Columns select(String... selected) {
    List<Field> chosen = new ArrayList<>(selected.length);
    Map<String, Feature> chosenFeatures = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    int[] at = new int[selected.length];
    for (int i = 0; i < selected.length; i++) {
      String name = Objects.requireNonNull(selected[i], "column");
      int p = position(name);
      if (!seen.add(name)) {
        throw new IllegalArgumentException("column '" + name + "' is selected twice");
      }
      chosen.add(fields.get(p));
      at[i] = source[p];
      Feature f = features.get(name);
      if (f != null) {
        chosenFeatures.put(name, f);
      }
    }
    return new Columns(List.copyOf(chosen), Collections.unmodifiableMap(chosenFeatures), at);
  }

  int position(String name) {
    Integer i = positions.get(name);
    if (i == null) {
      throw new IllegalArgumentException("no column '" + name + "'; columns are " + names);
    }
    return i;
  }

  String name(int position) {
    if (position < 0 || position >= names.size()) {
      throw new IndexOutOfBoundsException(
          "column index " + position + " outside 0.." + (names.size() - 1));
    }
    return names.get(position);
  }

  Feature feature(int position) {
    Feature f = features.get(name(position));
    if (f == null) {
      throw new IllegalStateException("column '" + name(position) + "' has no HuggingFace feature");
    }
    return f;
  }
}
