package dev.lazyarrow.s3;

import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.testing.S3Server;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A second process for {@link LocalCacheTest}: reads every row of a split from S3 through a local
 * cache shared with the test's process, in {@code passes} passes, and prints the hash of their
 * values after each.
 *
 * <p>Arguments: endpoint, dataset URI, split, cache directory, cache bytes, passes.
 */
public final class CacheReader {
  private CacheReader() {}

  public static void main(String[] args) throws Exception {
    try (S3Store store =
            S3Store.newBuilder()
                .endpoint(URI.create(args[0]))
                .region("us-east-1")
                .credentials(
                    software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                            S3Server.IDENTITY, S3Server.CREDENTIAL)))
                .build();
        LazyDataset ds =
            LazyDataset.newBuilder()
                .objectStore(store)
                .localCache(Path.of(args[3]), Long.parseLong(args[4]))
                .open(URI.create(args[1]))) {
      for (int pass = 0; pass < Integer.parseInt(args[5]); pass++) {
        System.out.println(hash(ds.split(args[2])));
      }
    }
  }

  /** Returns the hash of every row's values, iterated in order. */
  static int hash(Split split) {
    List<String> rows = new ArrayList<>();
    split.forEach(row -> rows.add(ObjectStorageTest.render(row)));
    return rows.hashCode();
  }
}
