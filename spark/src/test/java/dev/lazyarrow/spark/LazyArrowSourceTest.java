package dev.lazyarrow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark DataFrames into LazyArrow datasets and back, value by value, on a local session. */
class LazyArrowSourceTest {
  private static SparkSession spark;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    spark = SparkSessions.start();
  }

  /** Every Spark type that Parquet stores and that has an Arrow equivalent, nulls included. */
  private static Dataset<Row> everyType() {
    StructType schema =
        new StructType()
            .add("bool", DataTypes.BooleanType)
            .add("i8", DataTypes.ByteType)
            .add("i16", DataTypes.ShortType)
            .add("i32", DataTypes.IntegerType)
            .add("i64", DataTypes.LongType)
            .add("f32", DataTypes.FloatType)
            .add("f64", DataTypes.DoubleType)
            .add("dec", DataTypes.createDecimalType(12, 3))
            .add("dec38", DataTypes.createDecimalType(38, 10))
            .add("text", DataTypes.StringType)
            .add("bytes", DataTypes.BinaryType)
            .add("day", DataTypes.DateType)
            .add("ts", DataTypes.TimestampType)
            .add("ntz", DataTypes.TimestampNTZType)
            .add("ints", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("words", DataTypes.createArrayType(DataTypes.StringType))
            .add(
                "matrix",
                DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
            .add(
                "point",
                new StructType().add("x", DataTypes.IntegerType).add("name", DataTypes.StringType))
            .add("counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType));
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("a", 1);
    counts.put("b", null);
    List<Row> rows =
        List.of(
            RowFactory.create(
                true,
                (byte) 7,
                (short) 300,
                70000,
                1L << 40,
                1.5f,
                Math.PI,
                new BigDecimal("123456789.125"),
                new BigDecimal("-1234567890.0123456789"),
                "héllo, 학습",
                new byte[] {0, 1, (byte) 255},
                LocalDate.of(2024, 2, 29),
                Instant.parse("2024-02-29T12:34:56.789012Z"),
                LocalDateTime.parse("1969-07-20T20:17:40.000001"),
                List.of(1, 2, 3),
                Arrays.asList("a", null, ""),
                List.of(List.of(1.0, 2.0), List.of()),
                RowFactory.create(5, "five"),
                counts),
            RowFactory.create(
                false,
                Byte.MIN_VALUE,
                Short.MIN_VALUE,
                Integer.MIN_VALUE,
                Long.MIN_VALUE,
                Float.NaN,
                Double.NEGATIVE_INFINITY,
                new BigDecimal("0.000"),
                new BigDecimal("0E-10"),
                "",
                new byte[0],
                LocalDate.of(1900, 1, 1),
                Instant.parse("1900-01-01T00:00:00Z"),
                LocalDateTime.parse("2262-04-11T23:47:16"),
                List.of(),
                List.of(),
                List.of(),
                RowFactory.create(null, null),
                Map.of()),
            RowFactory.create(new Object[19]));
    return spark.createDataFrame(rows, schema);
  }

  /** Asserts that {@code split} holds {@code expected}'s rows, in order, value by value. */
  static void assertSameRows(List<Row> expected, Split split) {
    assertEquals(expected.size(), split.size());
    List<dev.lazyarrow.Row> actual = new ArrayList<>();
    split.forEach(actual::add);
    for (int i = 0; i < expected.size(); i++) {
      Row want = expected.get(i);
      for (int c = 0; c < want.size(); c++) {
        String column = want.schema().fieldNames()[c];
        assertEquals(
            Values.spark(want.get(c)),
            Values.lazy(actual.get(i).get(column)),
            "row " + i + ", column " + column);
      }
    }
  }

  private Path parquetOfEveryType() {
    String parquet = tmp.resolve("every.parquet").toString();
    everyType().coalesce(1).write().parquet(parquet);
    Path out = tmp.resolve("every");
    spark
        .read()
        .parquet(parquet)
        .write()
        .format("lazyarrow")
        .mode("overwrite")
        .save(out.toString());
    return out;
  }

  @Test
  void write_parquetOfEverySparkType_givesTheSameRowsValueByValue() {
    Path out = parquetOfEveryType();
    List<Row> expected =
        spark.read().parquet(tmp.resolve("every.parquet").toString()).collectAsList();
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertEquals(List.of("train"), ds.splits().stream().map(Split::name).toList());
      assertSameRows(expected, ds.split("train"));
      ds.verify();
      Manifest manifest = Manifest.read(out);
      assertEquals(DatasetCommit.WRITER, manifest.writer());
      assertNull(manifest.splits().get(0).features(), "datasets has no feature for a map");
    }
  }

  @Test
  void write_intervals_mapToArrowAsSparkDoes() {
    Dataset<Row> df =
        spark.sql(
            "SELECT id, make_ym_interval(CAST(id AS INT), 2) AS ym,"
                + " make_dt_interval(CAST(id AS INT), 2, 3, 4.5) AS dt, NULL AS nothing"
                + " FROM range(3)");
    Path out = tmp.resolve("intervals");
    df.write().format("lazyarrow").mode("append").save(out.toString());
    try (LazyDataset ds = LazyDataset.open(out)) {
      assertSameRows(df.collectAsList(), ds.split("train"));
      assertNull(Manifest.read(out).splits().get(0).features(), "datasets has no interval");
    }
  }

  @Test
  void write_calendarInterval_isRefusedBySparkBeforeAnyFile() {
    // Spark's Arrow conversion maps every other type; its analyzer refuses this one in any
    // DataSource V2 table, so the source never sees it.
    Dataset<Row> df = spark.sql("SELECT id, make_interval(1, 2) AS every FROM range(2)");
    Path out = tmp.resolve("x");
    Exception e =
        assertThrows(
            Exception.class,
            () -> df.write().format("lazyarrow").mode("append").save(out.toString()));
    assertTrue(e.getMessage().contains("Cannot use \"INTERVAL\" type"), e.getMessage());
    assertFalse(Files.exists(out), "nothing is written");
  }

  @Test
  void read_arrowTypeSparkCannotRead_namesTheColumn() throws IOException {
    Path jsonl =
        Files.writeString(tmp.resolve("t.jsonl"), "{\"id\": 1, \"at\": \"2024-01-02T03:04:05\"}\n");
    Path out = tmp.resolve("seconds");
    Converter.newBuilder().build().convert(jsonl, out);
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () -> spark.read().format("lazyarrow").load(out.toString()));
    assertTrue(
        e.getMessage().contains("column 'at' of Arrow type Timestamp(SECOND, null) has no Spark"),
        e.getMessage());
  }

  @Test
  void roundTrip_lazyarrowToDataFrameToLazyarrow_isIdentical() {
    Path first = parquetOfEveryType();
    Path second = tmp.resolve("again");
    Dataset<Row> df = spark.read().format("lazyarrow").load(first.toString());
    df.write().format("lazyarrow").mode("overwrite").save(second.toString());
    try (LazyDataset a = LazyDataset.open(first);
        LazyDataset b = LazyDataset.open(second)) {
      Split x = a.split("train");
      Split y = b.split("train");
      assertEquals(x.schema(), y.schema());
      assertEquals(
          Manifest.read(first).splits().get(0).features(),
          Manifest.read(second).splits().get(0).features());
      assertEquals(x.size(), y.size());
      for (long i = 0; i < x.size(); i++) {
        assertEquals(Values.lazy(x.get(i).toMap()), Values.lazy(y.get(i).toMap()), "row " + i);
      }
    }
  }

  @Test
  void read_convertedHfDataset_onePartitionPerShardAndOnlyTheColumnsAsked()
      throws IOException, URISyntaxException {
    Path source = Path.of(getClass().getResource("/fixtures/hf/save_dict").toURI());
    Path out = tmp.resolve("emotion");
    Converter.newBuilder().shardBytes(64 << 10).build().convert(source, out);
    Dataset<Row> df =
        spark.read().format("lazyarrow").option("split", "train").load(out.toString());
    try (LazyDataset ds = LazyDataset.open(out)) {
      Split train = ds.split("train");
      assertTrue(train.shardCount() > 1);
      assertEquals(train.shardCount(), df.rdd().getNumPartitions());
      Dataset<Row> texts = df.select("text");
      assertEquals(List.of("text"), Arrays.asList(texts.schema().fieldNames()));
      List<Row> rows = df.collectAsList();
      assertEquals(train.size(), rows.size());
      for (int i = 0; i < rows.size(); i += 97) {
        assertEquals(train.get(i).getString("text"), rows.get(i).getString(0));
        assertEquals(Values.lazy(train.get(i).get("labels")), Values.spark(rows.get(i).get(1)));
      }
      assertEquals(train.size(), texts.filter("length(text) > 0").count());
    }
    assertEquals(
        0, spark.read().format("lazyarrow").option("split", "test").load(out.toString()).count());
  }

  @Test
  void read_severalSplitsAndNoneChosen_listsThem() throws IOException, URISyntaxException {
    Path source = Path.of(getClass().getResource("/fixtures/hf/save_dict").toURI());
    Path out = tmp.resolve("emotion");
    Converter.newBuilder().build().convert(source, out);
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () -> spark.read().format("lazyarrow").load(out.toString()));
    assertTrue(e.getMessage().contains("has splits [train, validation, test]"), e.getMessage());
  }
}
