package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.bytes.Positional;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Uploads of a dataset's files: a file of more than {@link #PART_BYTES} as a multipart upload of
 * parts that size (aborted if a part fails, so no half-object stays behind), a smaller one with one
 * request. The caller uploads the manifest last. Parts are read into the heap one at a time.
 */
final class S3Upload {
  /** The size of each part of a multipart upload, and the largest file sent in one request. */
  static final long PART_BYTES = 64L << 20;

  private S3Upload() {}

  /**
   * Uploads {@code file} as object {@code key} of {@code bucket}.
   *
   * @throws LazyArrowException naming the object if the upload fails (after the SDK's retries)
   */
  static void file(S3Store store, Path file, String bucket, String key, long partBytes) {
    Path name = S3Store.name(bucket, key);
    S3Client client = store.client();
    try {
      long size = Files.size(file);
      if (size <= partBytes) {
        client.putObject(
            b -> b.bucket(bucket).key(key).overrideConfiguration(store.timeouts().upload(size)),
            RequestBody.fromFile(file));
      } else {
        multipart(store, file, bucket, key, size, partBytes);
      }
    } catch (S3Exception e) {
      throw S3Source.fault(name, e, null);
    } catch (SdkException e) {
      throw store.faults().request(name, e);
    } catch (IOException e) {
      throw new LazyArrowException(name, "cannot upload " + file + ": " + e.getMessage(), e);
    }
  }

  private static void multipart(
      S3Store store, Path file, String bucket, String key, long size, long partBytes)
      throws IOException {
    S3Client client = store.client();
    String upload = client.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      List<CompletedPart> parts = new ArrayList<>();
      for (long at = 0; at < size; at += partBytes) {
        long length = Math.min(partBytes, size - at);
        int number = parts.size() + 1;
        // A part is read into the heap: the SDK may send it more than once (retries).
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        Positional.readFully(channel, at, bytes);
        RequestBody body = RequestBody.fromByteBuffer(bytes.flip());
        String etag =
            client
                .uploadPart(
                    b ->
                        b.bucket(bucket)
                            .key(key)
                            .uploadId(upload)
                            .partNumber(number)
                            .overrideConfiguration(store.timeouts().upload(length)),
                    body)
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      client.completeMultipartUpload(
          b -> b.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      try {
        client.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(upload));
      } catch (SdkException aborting) {
        e.addSuppressed(aborting);
      }
      throw e;
    }
  }

  /** Uploads the dataset in {@code dir} to {@code uri}; see {@link S3Store#upload}. */
  static void dataset(S3Store store, Path dir, S3Uri uri, boolean overwrite, long partBytes) {
    String manifestKey = uri.key(Manifest.FILE_NAME);
    if (S3Upload.exists(store, uri.bucket(), manifestKey)) {
      if (!overwrite) {
        throw new IllegalArgumentException(
            uri + " already holds a dataset (" + Manifest.FILE_NAME + "); --overwrite replaces it");
      }
      try {
        store.client().deleteObject(b -> b.bucket(uri.bucket()).key(manifestKey));
      } catch (S3Exception e) {
        throw S3Source.fault(S3Store.name(uri.bucket(), manifestKey), e, null);
      } catch (SdkException e) {
        throw store.faults().request(S3Store.name(uri.bucket(), manifestKey), e);
      }
    }
    Manifest manifest = Manifest.read(dir);
    for (Manifest.SplitEntry split : manifest.splits()) {
      for (Manifest.Shard shard : split.shards()) {
        Path file = Manifest.resolveInside(dir, shard.path(), dir.resolve(Manifest.FILE_NAME));
        S3Upload.file(store, file, uri.bucket(), uri.key(shard.path()), partBytes);
      }
    }
    S3Upload.file(store, dir.resolve(Manifest.FILE_NAME), uri.bucket(), manifestKey, partBytes);
  }

  /** Returns whether object {@code key} of {@code bucket} exists. */
  static boolean exists(S3Store store, String bucket, String key) {
    try {
      store.client().headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw S3Source.fault(S3Store.name(bucket, key), e, null);
    } catch (SdkException e) {
      throw store.faults().request(S3Store.name(bucket, key), e);
    }
  }
}
