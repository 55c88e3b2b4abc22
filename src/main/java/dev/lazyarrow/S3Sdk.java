package dev.lazyarrow;

import java.nio.file.Path;

/**
 * The check that the AWS SDK, an optional dependency, is on the class path before a class that
 * needs it is loaded: a project without it is told what to add instead of dying of a {@code
 * NoClassDefFoundError}.
 */
final class S3Sdk {
  /** The coordinates to add; the version is the one this project's pom takes from the AWS BOM. */
  static final String COORDINATES = "software.amazon.awssdk:s3:2.57.8";

  private S3Sdk() {}

  /**
   * Checks that the SDK's S3 client is on the class path before {@code name} is read.
   *
   * @throws LazyArrowException naming the coordinates to add if it is not
   */
  static void require(Path name) {
    try {
      Class.forName(
          "software.amazon.awssdk.services.s3.S3Client", false, S3Sdk.class.getClassLoader());
      Class.forName(
          "software.amazon.awssdk.http.apache5.Apache5HttpClient",
          false,
          S3Sdk.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new LazyArrowException(
          name,
          "reading from object storage needs the AWS SDK, an optional dependency of lazyarrow"
              + " that is not on the class path; add to your pom "
              + COORDINATES
              + " (README.md, \"Object storage\")");
    }
  }
}
