package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a JVM that withholds a permission gets: on JDK 24 and later, which can deny {@code
 * sun.misc.Unsafe} memory access and native access, one line naming the flag that grants it, when
 * the dataset opens (Unsafe) or the first compressed batch loads (native), never a stack trace.
 * This JVM itself runs with no flag, which is what every other test proves works.
 */
class JvmPermissionsTest {
  @TempDir Path tmp;

  @Test
  void open_jvmDenyingUnsafeMemoryAccess_failsAtOpenNamingTheFlag() throws Exception {
    Path java = jdk24OrLater();
    Path dataset = Fixtures.convert("save_single", tmp.resolve("ds"));
    Child inspect = lazyarrow(java, "--sun-misc-unsafe-memory-access=deny", "inspect", dataset);
    assertEquals(1, inspect.status(), inspect.output());
    assertEquals(
        "lazyarrow: "
            + dataset
            + ": this JVM denies the sun.misc.Unsafe memory access that Arrow Java needs:"
            + " run java with --sun-misc-unsafe-memory-access=allow",
        inspect.output().strip());
  }

  @Test
  void firstRow_jvmDenyingNativeAccessOnZstdShards_failsNamingTheFlag() throws Exception {
    Path java = jdk24OrLater();
    Path dataset = tmp.resolve("zstd");
    Converter.newBuilder()
        .compression(Converter.Compression.ZSTD)
        .build()
        .convert(Fixtures.path("hf/save_single"), dataset);
    Child dump = lazyarrow(java, "--illegal-native-access=deny", "dump", dataset, "--rows", "0");
    assertEquals(1, dump.status(), dump.output());
    assertTrue(
        dump.output().startsWith("lazyarrow: " + dataset.resolve("train/part-00000.arrow") + ": "),
        dump.output());
    assertTrue(
        dump.output().strip().endsWith("run java with --enable-native-access=ALL-UNNAMED"),
        dump.output());
    assertFalse(dump.output().contains("\tat "), dump.output());
  }

  record Child(int status, String output) {}

  private Child lazyarrow(Path java, String flag, String command, Path dataset, String... rest)
      throws IOException, InterruptedException {
    List<String> line =
        new ArrayList<>(
            List.of(
                java.toString(),
                flag,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lazyarrow.cli.Main",
                command,
                dataset.toString()));
    line.addAll(List.of(rest));
    Path log = tmp.resolve("child.log");
    Process child =
        new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM still running after 60 s");
    // The JDK's own warnings about the other permission are not LazyArrow's output.
    String output =
        Files.readAllLines(log).stream()
            .filter(l -> !l.startsWith("WARNING: "))
            .reduce("", (a, b) -> a + b + "\n");
    return new Child(child.exitValue(), output);
  }

  /** Returns this JVM's java if it is JDK 24 or later, else the newest such JDK installed. */
  static Path jdk24OrLater() throws IOException {
    if (Runtime.version().feature() >= 24) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    Optional<Path> newest = Optional.empty();
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        newest =
            homes
                .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                .filter(home -> feature(home) >= 24)
                .max(Comparator.comparingInt(JvmPermissionsTest::feature))
                .map(home -> home.resolve("bin/java"));
      }
    }
    assumeTrue(newest.isPresent(), "no JDK 24 or later here: only those can deny these accesses");
    return newest.get();
  }

  /** Returns the feature release a JDK's {@code release} file names, or 0 if it names none. */
  private static int feature(Path home) {
    try {
      return Files.readAllLines(home.resolve("release")).stream()
          .filter(l -> l.startsWith("JAVA_VERSION=\""))
          .map(l -> l.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
          .mapToInt(Integer::parseInt)
          .findFirst()
          .orElse(0);
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }
}
