package dev.lazyarrow.loader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.Batch;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Row;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projections of a split and of a loader: what they read, what they refuse, what they prepare. */
class ProjectionTest {
  @TempDir static Path tmp;

  private static LazyDataset dataset;
  private static Split split;

  @BeforeAll
  static void open() throws IOException {
    Path out = tmp.resolve("single");
    Converter.newBuilder()
        .batchBytes(8 << 10)
        .build()
        .convert(Fixtures.path("hf/save_single"), out);
    dataset = LazyDataset.open(out);
    split = dataset.split("train");
  }

  @AfterAll
  static void close() {
    dataset.close();
  }

  @Test
  void select_readsOnlyTheSelectedColumnsWithTheirFeatures() {
    Split view = split.select("labels", "id");
    assertTrue(view.isProjection());
    assertFalse(split.isProjection());
    assertEquals(List.of("labels", "id"), view.columnNames());
    assertEquals(List.of("labels", "id"), List.copyOf(view.features().keySet()));
    assertEquals(split.features().get("labels"), view.features().get("labels"));
    assertEquals(2, view.schema().getFields().size());
    assertEquals(split.size(), view.size());

    Row whole = split.get(17);
    Row row = view.get(17);
    assertEquals(Map.of("labels", whole.get("labels"), "id", whole.get("id")), row.toMap());
    assertEquals(whole.labelNames("labels"), row.labelNames("labels"));
    assertThrows(IllegalArgumentException.class, () -> row.get("text"));

    List<Row> taken = view.take(5, 3000 % split.size(), 1);
    assertEquals(List.of("labels", "id"), taken.get(0).columnNames());
    long seen = 0;
    for (Row r : view) {
      assertEquals(seen++, r.getLong("id"));
    }
    assertEquals(split.size(), seen);
    for (Iterator<Batch> it = view.batches(); it.hasNext(); ) {
      try (Batch b = it.next()) {
        assertEquals(
            List.of("labels", "id"),
            b.root().getSchema().getFields().stream().map(f -> f.getName()).toList());
        assertEquals(b.size(), b.root().getRowCount());
        assertEquals(b.firstRow(), b.row(0).getLong("id"));
      }
    }
    // A projection of a projection selects among the columns it shows.
    assertEquals(List.of("id"), view.select("id").columnNames());
    assertEquals(7L, view.select("id").get(7).getLong("id"));
  }

  @Test
  void select_unknownOrRepeatedColumn_isRefusedListingTheColumns() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> split.select("input_ids", "nope"));
    assertTrue(unknown.getMessage().contains("'nope'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains(split.columnNames().toString()), unknown.getMessage());
    IllegalArgumentException hidden =
        assertThrows(IllegalArgumentException.class, () -> split.select("id").select("text"));
    assertTrue(hidden.getMessage().endsWith("columns are [id]"), hidden.getMessage());
    assertThrows(IllegalArgumentException.class, () -> split.select("id", "id"));
    assertThrows(IllegalArgumentException.class, () -> split.select());
    IllegalArgumentException loader =
        assertThrows(IllegalArgumentException.class, () -> Loader.newBuilder(split).columns("nope"));
    assertTrue(loader.getMessage().contains(split.columnNames().toString()));
    IllegalArgumentException collation =
        assertThrows(
            IllegalArgumentException.class, () -> TrainingBatch.collate(split.select("id"), 1).longs("label"));
    assertTrue(collation.getMessage().endsWith("columns are [id]"), collation.getMessage());
  }

  @Test
  void columns_prefetchingLoader_handsOverCollationsMadeOnItsThreads() {
    List<TrainingBatch> plain = new ArrayList<>();
    try (Loader loader = Loader.newBuilder(split).shuffle(9).batchSize(50).build()) {
      loader.forEach(plain::add);
    }
    try (Loader loader =
        Loader.newBuilder(split)
            .columns("input_ids", "labels", "id", "f32", "text", "fixed")
            .shuffle(9)
            .batchSize(50)
            .prefetch(3, 2)
            .build()) {
      int b = 0;
      for (TrainingBatch batch : loader) {
        TrainingBatch expected = plain.get(b++);
        assertArrayEquals(expected.indices(), batch.indices());
        assertEquals(
            CollationTest.outcome(() -> expected.tokens("input_ids")),
            CollationTest.outcome(() -> batch.tokens("input_ids")));
        assertSame(batch.tokens("input_ids"), batch.tokens("input_ids"), "prepared once");
        assertSame(batch.multiHot("labels"), batch.multiHot("labels"));
        assertArrayEquals(expected.longs("id"), batch.longs("id"));
        assertArrayEquals(expected.doubles("f32"), batch.doubles("f32"));
        assertEquals(expected.strings("text"), batch.strings("text"));
        assertArrayEquals(
            (float[]) expected.tensor("fixed").values(), batch.tensor("fixed").floats());
        assertEquals(
            List.of("input_ids", "labels", "id", "f32", "text", "fixed"),
            batch.rows().get(0).columnNames());
      }
      assertEquals(plain.size(), b);
    }
    // A token budget may read a column outside the loader's: the split's columns serve it.
    try (Loader budget =
        Loader.newBuilder(split).columns("labels").shuffle(1).tokenBudget(500, "input_ids").build()) {
      TrainingBatch first = budget.iterator().next();
      assertNotNull(first.multiHot("labels"));
      assertThrows(IllegalArgumentException.class, () -> first.tokens("input_ids"));
    }
  }

  @Test
  void collate_anyRows_outsideALoader() {
    Split view = split.select("input_ids", "label");
    TrainingBatch batch = TrainingBatch.collate(view, 9, 2, 9);
    assertEquals(3, batch.size());
    assertArrayEquals(new long[] {9, 2, 9}, batch.indices());
    assertArrayEquals(
        new long[] {
          split.get(9).getLong("label"),
          split.get(2).getLong("label"),
          split.get(9).getLong("label")
        },
        batch.longs("label"));
    assertArrayEquals(
        split.get(2).getIntArray("input_ids"),
        java.util.Arrays.copyOf(
            java.util.Arrays.copyOfRange(
                batch.tokens("input_ids").values(),
                batch.tokens("input_ids").width(),
                2 * batch.tokens("input_ids").width()),
            batch.tokens("input_ids").lengths()[1]));
    assertThrows(IndexOutOfBoundsException.class, () -> TrainingBatch.collate(view, split.size()));
    assertThrows(IndexOutOfBoundsException.class, () -> TrainingBatch.collate(view, -1));
    assertEquals(0, TrainingBatch.collate(view).tokens("input_ids").width());
    assertThrows(IllegalStateException.class, () -> TrainingBatch.collate(view).tensor("input_ids"));
  }
}
