package dev.lazyarrow.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.s3.S3Store;
import dev.lazyarrow.testing.S3Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainer projects built offline against the LazyArrow modules just installed into the local
 * repository and run with plain {@code java -cp} and no JVM flag: the README's "Use it in your
 * trainer" blocks, on this JDK and on the newest one under /usr/lib/jvm, whose runtime class path
 * holds the core alone; and the same with the S3 module, reading from an in-process S3Proxy.
 */
class DependentProjectTest {
  private static final Path README = Path.of("../README.md");
  private static final Pattern BLOCK = Pattern.compile("```(xml|java)\\n(.*?)```", Pattern.DOTALL);

  /** Opens the dataset at a URI and reads a row: a trainer's program beside the README's. */
  private static final String OPEN =
      """
      import dev.lazyarrow.LazyDataset;
      import dev.lazyarrow.Split;
      import dev.lazyarrow.format.LazyArrowException;
      import java.net.URI;

      public class Open {
        public static void main(String[] args) {
          try (LazyDataset ds = LazyDataset.open(URI.create(args[0]))) {
            Split train = ds.split("train");
            System.out.println(
                "train rows: " + train.size() + ", first text: " + train.get(0).getString("text"));
          } catch (LazyArrowException e) {
            System.out.println("error: " + e.getMessage());
            System.exit(1);
          }
        }
      }
      """;

  /** The group ids of the optional modules' libraries, none of which the core may bring. */
  private static final List<String> OPTIONAL_GROUPS =
      List.of(
          "org.apache.hadoop",
          "org.apache.parquet",
          "software.amazon.awssdk",
          "info.picocli",
          "me.tongfei",
          "com.fasterxml.jackson.dataformat");

  @TempDir Path tmp;

  @Test
  void readmeTrainer_builtOfflineAndRunWithoutFlags_trainsTwoEpochs() throws Exception {
    Path project = trainerProject();
    Path repo = localRepository();
    String classpath = build(project, repo);
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

  @Test
  void coreOnly_runtimeTreeHoldsNoOptionalLibrary_andAnS3UriNamesTheModuleToAdd() throws Exception {
    Path project = trainerProject();
    Path repo = localRepository();
    String classpath = build(project, repo);
    Run tree =
        run(
            project,
            List.of(
                "mvn",
                "-B",
                "-q",
                "-o",
                "-Dmaven.repo.local=" + repo,
                "dependency:tree",
                "-Dscope=runtime",
                "-DoutputFile=tree.txt"));
    assertEquals(0, tree.status(), tree.output());
    String dependencies = Files.readString(project.resolve("tree.txt"));
    assertTrue(dependencies.contains("dev.lazyarrow:lazyarrow:jar"), dependencies);
    for (String group : OPTIONAL_GROUPS) {
      assertFalse(dependencies.contains(group + ":"), group + " in\n" + dependencies);
      assertFalse(classpath.contains("/" + group.replace('.', '/') + "/"), classpath);
    }
    Run open = run(project, List.of(java(), "-cp", classpath, "Open", "s3://bucket/ds"));
    assertEquals(1, open.status(), open.output());
    assertTrue(
        open.output().contains("needs the module dev.lazyarrow:lazyarrow-s3"), open.output());
  }

  @Test
  void withS3Module_trainerReadsADatasetFromObjectStorage() throws Exception {
    Path data = tmp.resolve("emotion");
    Converter.newBuilder().build().convert(Path.of("data/emotion"), data);
    Files.createDirectories(tmp.resolve("s3/bucket"));
    try (S3Server server = S3Server.start(tmp.resolve("s3"));
        S3Store store = server.store(S3Store.DEFAULT_MAX_ATTEMPTS)) {
      store.upload(data, URI.create("s3://bucket/ds"), false);
      String dependencies =
          readmeDependencies()
              + """
              <dependency>
                <groupId>dev.lazyarrow</groupId>
                <artifactId>lazyarrow-s3</artifactId>
                <version>0.1.0-SNAPSHOT</version>
              </dependency>
              """;
      Path project = project("s3-trainer", dependencies, Map.of("Open", OPEN));
      String classpath = build(project, localRepository());
      ProcessBuilder open =
          new ProcessBuilder(java(), "-cp", classpath, "Open", "s3://bucket/ds");
      open.environment().put("AWS_ENDPOINT_URL", server.endpoint().toString());
      open.environment().put("AWS_ACCESS_KEY_ID", S3Server.IDENTITY);
      open.environment().put("AWS_SECRET_ACCESS_KEY", S3Server.CREDENTIAL);
      open.environment().put("AWS_REGION", "us-east-1");
      Run run = run(project, open);
      assertEquals(0, run.status(), run.output());
      try (LazyDataset local = LazyDataset.open(data)) {
        Split train = local.split("train");
        assertEquals(
            "train rows: " + train.size() + ", first text: " + train.get(0).getString("text"),
            run.output().strip());
      }
    }
  }

  /**
   * Builds {@code project} offline against {@code repo} and returns its runtime class path, its
   * own classes first.
   */
  private String build(Path project, Path repo) throws Exception {
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
    return project.resolve("target/classes")
        + java.io.File.pathSeparator
        + Files.readString(project.resolve("classpath.txt")).strip();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Writes a Maven project of the README's trainer blocks: the dependencies and the class. */
  private Path trainerProject() throws IOException {
    return project("trainer", readmeDependencies(), Map.of("Train", readmeBlock("java"), "Open", OPEN));
  }

  /** Returns the dependency elements of the README's trainer section. */
  private static String readmeDependencies() throws IOException {
    return readmeBlock("xml");
  }

  /**
   * Returns the README trainer section's first {@code java} block, or for {@code xml} every xml
   * block that names LazyArrow, joined.
   */
  private static String readmeBlock(String language) throws IOException {
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
    return language.equals("java") ? source : dependencies.toString();
  }

  /**
   * Writes a Maven project {@code name} with the dependency elements {@code dependencies} and one
   * class in the default package per entry of {@code sources}.
   */
  private Path project(String name, String dependencies, Map<String, String> sources)
      throws IOException {
    Path project = tmp.resolve(name);
    Files.createDirectories(project.resolve("src/main/java"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Files.writeString(project.resolve("src/main/java/" + e.getKey() + ".java"), e.getValue());
    }
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>example</groupId>
          <artifactId>%s</artifactId>
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
            .formatted(name, dependencies));
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
    return run(dir, new ProcessBuilder(command));
  }

  private Run run(Path dir, ProcessBuilder command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(tmp, "run", ".log");
    Process process =
        command.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError(command.command() + " still running after 5 minutes");
    }
    return new Run(process.exitValue(), Files.readString(log));
  }
}
