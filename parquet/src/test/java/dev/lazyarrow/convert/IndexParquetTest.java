package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexing in place with the Parquet module present: Parquet cannot be served in place. */
class IndexParquetTest {
  @TempDir Path tmp;

  @Test
  void index_parquetSource_isRefusedWithConvertAdvice() {
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () ->
                Indexer.index(
                    Fixtures.copyTree(Fixtures.path("hf/hub_parquet"), tmp.resolve("h"))));
    assertTrue(e.getMessage().contains("convert it instead"), e.getMessage());
  }

}
