package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.s3.S3Store;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Conversions into object storage: into a local temporary folder as usual, then uploaded, the
 * manifest last (see {@link S3Store#upload}); the folder is deleted either way.
 */
final class ObjectStorageOutput {
  private ObjectStorageOutput() {}

  /**
   * Converts {@code source} with {@code builder} and uploads the dataset to {@code out}.
   *
   * @throws IllegalArgumentException if {@code out} is not an {@code s3://} URI, or a dataset
   *     exists there and not {@code overwrite}
   */
  static Converter.Result convert(
      Converter.Builder builder, Path source, URI out, boolean overwrite) throws IOException {
    Path staging = Files.createTempDirectory("lazyarrow-upload");
    try (S3Store store = S3Store.defaults()) {
      store.resolve(out, "lazyarrow.json"); // refuses a bad URI before the conversion starts
      Path dataset = staging.resolve("dataset");
      Converter.Result result = builder.build().convert(source, dataset);
      store.upload(dataset, out, overwrite);
      return result;
    } finally {
      try (Stream<Path> files = Files.walk(staging)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
