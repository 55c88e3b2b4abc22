package dev.lazyarrow;

import dev.lazyarrow.format.Feature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The columns of a split, shared by all its rows: names, positions, Arrow fields and features. */
final class Columns {
  final List<String> names;
  final List<Field> fields;
  final Map<String, Feature> features;
  private final Map<String, Integer> positions = new HashMap<>();

  Columns(Schema schema, Map<String, Feature> features) {
    this.fields = List.copyOf(schema.getFields());
    this.names = fields.stream().map(Field::getName).toList();
    this.features = features;
    for (int i = 0; i < names.size(); i++) {
      positions.putIfAbsent(names.get(i), i);
    }
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
