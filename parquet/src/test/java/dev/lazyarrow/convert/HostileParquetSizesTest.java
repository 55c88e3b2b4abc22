package dev.lazyarrow.convert;

import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.SmallHeap;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parquet files legal in structure but hostile in magnitude (issue 23), each converted in a JVM of
 * 256 MiB heap: every one is a single clear error naming the file, never an OutOfMemoryError.
 */
class HostileParquetSizesTest {
  @TempDir Path tmp;

  private static final Path SNAPPY = Fixtures.path("parquet/snappy.parquet");

  private void refusedAtSmallHeap(Path source, String expected) throws Exception {
    SmallHeap.assertRefused(source, tmp.resolve("out"), expected);
  }

  @ParameterizedTest(name = "{0} row groups of {1} columns")
  @CsvSource(
      delimiter = '|',
      value = {
        "200000 | 1      | column chunks claim more than the 22893645 bytes of the file",
        "1      | 100000 | the schema has more than 4096 columns, more than this heap holds",
        "3      | 40     | column chunks claim more than the"
      })
  void convert_footerOfManyRowGroupsOrColumns_isRefusedBeforeParquetMrReadsIt(
      int rowGroups, int columns, String expected) throws Exception {
    Path source = tmp.resolve("footer.parquet");
    HostileParquet.copyChunks(SNAPPY, source, rowGroups, columns);
    refusedAtSmallHeap(source, expected);
  }

  @Test
  void convert_dataPageClaiming2GiBCompressed_isRefusedBeforeAllocating() throws Exception {
    Path source = tmp.resolve("compressed.parquet");
    // Column 6 (flag) has no dictionary: its first page is a data page.
    HostileParquet.editFirstPage(
        SNAPPY, source, 6, h -> h.setCompressed_page_size(Integer.MAX_VALUE));
    refusedAtSmallHeap(source, "claims 2147483647 bytes; its chunk holds");
  }

  @Test
  void convert_dictionaryOf2147483647Values_isRefusedBeforeAllocating() throws Exception {
    Path source = tmp.resolve("dictionary.parquet");
    HostileParquet.editFirstPage(
        SNAPPY, source, 0, h -> h.getDictionary_page_header().setNum_values(Integer.MAX_VALUE));
    refusedAtSmallHeap(source, "claims 2147483647 values; its 4800 bytes hold at most 600");
  }
}
