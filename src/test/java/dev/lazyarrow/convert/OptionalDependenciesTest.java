package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lazyarrow.LazyArrowException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OptionalDependenciesTest {
  @Test
  void require_classMissing_namesTheCoordinatesToAdd() {
    Path file = Path.of("data/train.parquet");
    LazyArrowException e =
        assertThrows(
            LazyArrowException.class,
            () ->
                OptionalDependencies.require(
                    file,
                    "Reading Parquet",
                    Map.of(
                        "org.example:present:1",
                        "java.lang.String",
                        "org.example:gone:2",
                        "no.Such")));
    assertEquals(
        file
            + ": Reading Parquet needs optional dependencies of lazyarrow that are not on the class"
            + " path; add to your pom org.example:gone:2 (README.md, \"Convert from your own"
            + " code\", lists them)",
        e.getMessage());
  }

  @Test
  void require_everyClassPresent_passes() {
    OptionalDependencies.require(Path.of("x"), "Reading Parquet", OptionalDependencies.PARQUET);
    OptionalDependencies.require(Path.of("x"), "Reading YAML", OptionalDependencies.YAML);
  }

  @Test
  void coordinates_matchTheVersionsThePomPins() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Map<String, String> properties = new HashMap<>();
    Matcher p = Pattern.compile("<([\\w.]+\\.version)>([^<]+)</").matcher(pom);
    while (p.find()) {
      properties.put(p.group(1), p.group(2));
    }
    Map<String, String> pinned = new HashMap<>();
    Matcher d =
        Pattern.compile(
                "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                    + "<version>([^<]+)</version>")
            .matcher(pom);
    while (d.find()) {
      String version = d.group(3);
      if (version.startsWith("${")) {
        version = properties.get(version.substring(2, version.length() - 1));
      }
      pinned.put(d.group(1) + ":" + d.group(2), version);
    }
    Stream.concat(
            OptionalDependencies.PARQUET.keySet().stream(),
            OptionalDependencies.YAML.keySet().stream())
        .map(c -> c.split(" ")[0])
        .forEach(
            c -> {
              String artifact = c.substring(0, c.lastIndexOf(':'));
              assertEquals(pinned.get(artifact), c.substring(c.lastIndexOf(':') + 1), c);
            });
  }
}
