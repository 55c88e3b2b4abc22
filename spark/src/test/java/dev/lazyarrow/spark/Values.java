package dev.lazyarrow.spark;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Puts a value as Spark returns it and as LazyArrow's {@code Row} returns it in one form, so that
 * the two can be compared value by value: Arrow's storage (days, microseconds, months) for dates,
 * times and intervals, lists for arrays, maps for structs, hex for bytes.
 */
final class Values {
  private Values() {}

  /** Returns the comparable form of a value of a Spark {@link Row}. */
  static Object spark(Object v) {
    if (v instanceof LocalDate d) {
      return (int) d.toEpochDay();
    } else if (v instanceof Instant i) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    } else if (v instanceof LocalDateTime t) {
      return ChronoUnit.MICROS.between(Instant.EPOCH, t.toInstant(ZoneOffset.UTC));
    } else if (v instanceof Duration d) {
      return d.toNanos() / 1000;
    } else if (v instanceof Period p) {
      return (int) p.toTotalMonths();
    } else if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    } else if (v instanceof scala.collection.Map<?, ?> m) {
      List<Object> entries = new ArrayList<>();
      CollectionConverters.asJava(m)
          .forEach(
              (k, x) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("key", spark(k));
                entry.put("value", spark(x));
                entries.add(entry);
              });
      return entries;
    } else if (v instanceof scala.collection.Seq<?> s) {
      return CollectionConverters.asJava(s).stream().map(Values::spark).toList();
    } else if (v instanceof Row r) {
      Map<String, Object> struct = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) {
        struct.put(r.schema().fieldNames()[i], spark(r.get(i)));
      }
      return struct;
    }
    return v;
  }

  /** Returns the comparable form of a value of a LazyArrow {@code Row}. */
  static Object lazy(Object v) {
    if (v instanceof byte[] b) {
      return HexFormat.of().formatHex(b);
    } else if (v instanceof int[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    } else if (v instanceof long[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    } else if (v instanceof double[] a) {
      return java.util.Arrays.stream(a).boxed().toList();
    } else if (v instanceof float[] a) {
      List<Object> list = new ArrayList<>();
      for (float f : a) {
        list.add(f);
      }
      return list;
    } else if (v instanceof Period p) {
      return (int) p.toTotalMonths();
    } else if (v instanceof List<?> l) {
      return l.stream().map(Values::lazy).toList();
    } else if (v instanceof Map<?, ?> m) {
      Map<String, Object> struct = new LinkedHashMap<>();
      m.forEach((k, x) -> struct.put((String) k, lazy(x)));
      return struct;
    } else if (v instanceof BigDecimal d) {
      return d;
    }
    return v;
  }
}
