package dev.lazyarrow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.testing.Fixtures;
import dev.lazyarrow.testing.S3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The commands on {@code s3://} URIs, against S3Proxy on loopback, reached through the SDK's
 * settings as a user sets them (here the system properties that stand for AWS_ENDPOINT_URL and the
 * credential variables).
 */
class ObjectStorageCommandTest {
  private static final Map<String, String> SETTINGS =
      Map.of(
          "aws.accessKeyId", S3Server.IDENTITY,
          "aws.secretAccessKey", S3Server.CREDENTIAL,
          "aws.region", "us-east-1");

  @TempDir static Path root;

  static S3Server server;

  @BeforeAll
  static void start() throws Exception {
    server = S3Server.start(root);
    SETTINGS.forEach(System::setProperty);
    System.setProperty("aws.endpointUrl", server.endpoint().toString());
    Files.createDirectories(root.resolve("golden"));
  }

  @AfterAll
  static void stop() throws Exception {
    SETTINGS.keySet().forEach(System::clearProperty);
    System.clearProperty("aws.endpointUrl");
    server.close();
  }

  @ParameterizedTest(name = "{0} {1} compression={3}")
  @CsvSource({
    "save_dict, train, save_dict.train.jsonl, none",
    "save_extension, train, save_extension.jsonl, zstd",
    "hub_parquet, test, hub_parquet.test.jsonl, zstd",
  })
  void convertToS3ThenDump_reproducesGoldenRows(
      String fixture, String split, String golden, String compression) {
    String uri = "s3://golden/" + fixture + "-" + compression;
    GoldenRowsTest.Run convert =
        GoldenRowsTest.run(
            "convert",
            Fixtures.path("hf/" + fixture).toString(),
            uri,
            "--compression",
            compression,
            "--batch-bytes",
            "65536");
    assertEquals(0, convert.status(), convert.err());
    GoldenRowsTest.assertDumpsGolden(uri, split, golden);
  }

  @Test
  void convertToS3_refusesAnExistingDatasetWithoutOverwrite() {
    String source = Fixtures.path("hf/save_single").toString();
    String uri = "s3://golden/twice";
    assertEquals(0, GoldenRowsTest.run("convert", source, uri).status());
    GoldenRowsTest.Run again = GoldenRowsTest.run("convert", source, uri);
    assertEquals(2, again.status(), again.err());
    assertTrue(again.err().contains("already holds a dataset"), again.err());
    assertEquals(0, GoldenRowsTest.run("convert", source, uri, "--overwrite").status());
  }

  @Test
  void verifyAndPlan_acceptS3Uris() {
    String uri = "s3://golden/checked";
    String source = Fixtures.path("hf/save_single").toString();
    assertEquals(0, GoldenRowsTest.run("convert", source, uri).status());
    GoldenRowsTest.Run verify = GoldenRowsTest.run("verify", uri);
    assertEquals(0, verify.status(), verify.err());
    assertTrue(verify.out().startsWith("ok: s3://golden/checked, 1 split"), verify.out());
    GoldenRowsTest.Run plan = GoldenRowsTest.run("plan", uri, "--stop-after", "1");
    assertEquals(0, plan.status(), plan.err());
    assertFalse(plan.out().isEmpty());
  }

  @Test
  void dump_missingDatasetNamesTheManifestObject() {
    GoldenRowsTest.Run dump = GoldenRowsTest.run("dump", "s3://golden/absent", "--rows", "0");
    assertEquals(1, dump.status());
    assertEquals(
        "lazyarrow: s3://golden/absent/lazyarrow.json: no manifest: not a LazyArrow dataset"
            + " (convert it first)",
        dump.err().lines().findFirst().orElse(""));
  }

  @Test
  void convertToS3_whenTheEndpointIsDown_exits1SayingItCannotReachIt() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // S3's own endpoint setting comes before the general one the other tests use.
    System.setProperty("aws.endpointUrlS3", "http://127.0.0.1:" + port);
    try {
      GoldenRowsTest.Run convert =
          GoldenRowsTest.run(
              "convert", Fixtures.path("hf/save_single").toString(), "s3://golden/down");
      assertEquals(1, convert.status(), convert.err());
      assertTrue(
          convert
              .err()
              .startsWith(
                  "lazyarrow: s3://golden/down/lazyarrow.json: cannot reach http://127.0.0.1:"
                      + port
                      + " ("),
          convert.err());
      assertFalse(convert.err().contains("software.amazon"), convert.err());
    } finally {
      System.clearProperty("aws.endpointUrlS3");
    }
  }
}
