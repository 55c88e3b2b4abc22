package dev.lazyarrow.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer project made of the README's "Use it in your trainer" blocks, built offline against the
 * LazyArrow just installed into the local repository and run with plain {@code java -cp} and no JVM
 * flag, on this JDK and on the newest one under /usr/lib/jvm.
 */
class DependentProjectTest {
  private static final Path README = Path.of("../README.md");
  private static final Pattern BLOCK = Pattern.compile("```(xml|java)\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path tmp;

  @Test
  void readmeTrainer_builtOfflineAndRunWithoutFlags_trainsTwoEpochs() throws Exception {
    Path project = trainerProject();
    Path repo = localRepository();
    Run build =
        run(
            project,
            List.of(
                "mvn",
                "-B",
                "-q",
                "-o",
                "-Dmaven.repo.local=" + repo,
                "compile",
                "dependency:build-classpath",
                "-Dmdep.outputFile=classpath.txt",
                "-Dmdep.includeScope=runtime"));
    assertEquals(0, build.status(), build.output());
    String classpath =
        project.resolve("target/classes")
            + java.io.File.pathSeparator
            + Files.readString(project.resolve("classpath.txt")).strip();
    for (Path java : javas()) {
      Path dataset = tmp.resolve("emotion-" + java.getParent().getParent().getFileName());
      Run train =
          run(
              project,
              List.of(
                  java.toString(),
                  "-cp",
                  classpath,
                  "Train",
                  Path.of("data/emotion").toAbsolutePath().toString(),
                  dataset.toString()));
      assertEquals(0, train.status(), java + "\n" + train.output());
      assertTrue(train.output().contains("epoch 1: "), train.output());
      assertTrue(train.output().contains("epoch 2: "), train.output());
      assertTrue(train.output().contains("resume from {"), train.output());
      assertFalse(train.output().contains("SLF4J"), train.output());
      assertFalse(train.output().contains("Exception"), train.output());
    }
    assertLibraryJarHasNoSampleClasses(repo);
  }

  /** Writes a Maven project of the README's trainer blocks: the dependencies and the class. */
  private Path trainerProject() throws IOException {
    String readme = Files.readString(README);
    int from = readme.indexOf("## Use it in your trainer");
    String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
    StringBuilder dependencies = new StringBuilder();
    String source = null;
    Matcher block = BLOCK.matcher(section);
    while (block.find()) {
      if (block.group(1).equals("xml") && block.group(2).contains("dev.lazyarrow")) {
        dependencies.append(block.group(2));
      } else if (block.group(1).equals("java") && source == null) {
        source = block.group(2);
      }
    }
    assertTrue(source != null && dependencies.length() > 0, "README lost its trainer blocks");
    Path project = tmp.resolve("trainer");
    Files.createDirectories(project.resolve("src/main/java"));
    Files.writeString(project.resolve("src/main/java/Train.java"), source);
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>trainer</artifactId>
          <version>1</version>
          <properties>
            <maven.compiler.release>17</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
          </properties>
          <dependencies>
          %s
          </dependencies>
          <build>
            <plugins>
              <!-- The versions this sample resolved, so that the offline build finds them. -->
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.13.0</version>
              </plugin>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.3.1</version>
              </plugin>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-dependency-plugin</artifactId>
                <version>3.8.1</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """
            .formatted(dependencies));
    return project;
  }

  /** The repository Maven installed LazyArrow into: surefire passes it on, else the default. */
  private static Path localRepository() {
    String repo = System.getProperty("maven.repo.local");
    return repo != null && !repo.isBlank()
        ? Path.of(repo)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  /** This JVM's java, and the newest other JDK's under /usr/lib/jvm if it is newer. */
  private static List<Path> javas() throws IOException {
    Set<Path> javas = new LinkedHashSet<>();
    javas.add(Path.of(System.getProperty("java.home"), "bin", "java"));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        homes
            .filter(home -> Files.isExecutable(home.resolve("bin/java")))
            .filter(home -> feature(home) > Runtime.version().feature())
            .max(Comparator.comparingInt(DependentProjectTest::feature))
            .ifPresent(home -> javas.add(home.resolve("bin/java")));
      }
    }
    return new ArrayList<>(javas);
  }

  /** Returns the feature release a JDK's {@code release} file names, or 0 if it names none. */
  private static int feature(Path home) {
    try (Stream<String> lines = Files.lines(home.resolve("release"))) {
      return lines
          .filter(l -> l.startsWith("JAVA_VERSION=\""))
          .map(l -> l.substring("JAVA_VERSION=\"".length()).split("[.\"]")[0])
          .mapToInt(Integer::parseInt)
          .findFirst()
          .orElse(0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static void assertLibraryJarHasNoSampleClasses(Path repo) throws IOException {
    Path jar = repo.resolve("dev/lazyarrow/lazyarrow/0.1.0-SNAPSHOT/lazyarrow-0.1.0-SNAPSHOT.jar");
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      List<String> samples =
          zip.stream()
              .map(e -> e.getName())
              .filter(n -> n.startsWith("dev/lazyarrow/samples/"))
              .toList();
      assertEquals(List.of(), samples, jar.toString());
    }
  }

  record Run(int status, String output) {}

  private Run run(Path dir, List<String> command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "run", ".log");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command + " still running after 5 minutes");
    }
    return new Run(process.exitValue(), Files.readString(log));
  }
}
