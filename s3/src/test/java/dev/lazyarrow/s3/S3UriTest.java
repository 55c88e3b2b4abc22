package dev.lazyarrow.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Dataset URIs parsed as strictly from code as on the command line. */
class S3UriTest {
  @ParameterizedTest
  @ValueSource(strings = {"/a\nb", "/a\u0000b", "/a/../b", "/./a", "/a\ud800b"})
  void parse_refusesAKeyS3DoesNotTake(String path) throws Exception {
    URI uri = new URI("s3", "bucket", path, null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(uri));
    assertTrue(e.getMessage().startsWith("an s3:// URI's key takes no"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3:///prefix", "s3:/prefix", "s3://a..b/p", "s3://192.168.0.1/p", "s3://Bucket/p"})
  void parse_refusesAnEmptyOrInvalidBucket(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(URI.create(text)));
    assertTrue(e.getMessage().startsWith("an s3:// URI must name a bucket"), e.getMessage());
  }

  @Test
  void parse_refusesAKeyLongerThanS3Takes() {
    URI uri = URI.create("s3://bucket/" + "k".repeat(S3Uri.MAX_PREFIX_BYTES + 1));
    assertThrows(IllegalArgumentException.class, () -> S3Uri.parse(uri));
  }

  @Test
  void object_keepsAKeyWithASpaceOrPercentRoundTrip() {
    URI object = S3Uri.object("bucket", "my data/100%/lazyarrow.json");
    assertEquals(new S3Uri("bucket", "my data/100%/lazyarrow.json"), S3Uri.parse(object));
  }
}
