package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads Arrow IPC files that pyarrow wrote (dictionary-encoded column, nulls, LZ4 and ZSTD bodies)
 * as shards of a dataset directory, and checks them against the rows pyarrow returned.
 */
class ForeignShardsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"ipc_plain", "ipc_zstd", "ipc_lz4", "feather_default"})
  void dump_pyarrowFileAsShard_reproducesGoldenRows(String name) throws IOException {
    Fixtures.pyarrowShard(name, tmp);
    List<String> golden = Fixtures.golden("pyarrow." + name + ".jsonl");
    List<String> expected = golden.subList(1, golden.size());
    String indices =
        expected.stream()
            .map(r -> Fixtures.json(r).get("index").asText())
            .collect(Collectors.joining(","));
    GoldenRowsTest.Run dump = GoldenRowsTest.run("dump", tmp.toString(), "--rows", indices);
    assertEquals(0, dump.status(), dump.err());
    assertEquals(expected, dump.out().lines().toList());

    GoldenRowsTest.Run verify = GoldenRowsTest.run("verify", tmp.toString());
    assertEquals(0, verify.status(), verify.err());
  }
}
