package dev.lazyarrow.s3;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.spi.ByteSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.apache.arrow.memory.ArrowBuf;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A shard that is an object in S3 (or an S3-compatible server), read with ranged {@code GetObject}
 * requests.
 *
 * <p>Opening fetches the object's tail with one suffix range ({@code bytes=-TAIL}), which holds the
 * footer of a typical shard and the trailing magic, and records the object's size and ETag (or,
 * from a server that gives none, its modification time). Reads inside the tail are served from it;
 * every other read is one ranged GET that must carry the recorded ETag ({@code If-Match}), and
 * whose answer must show the same ETag (or time) and size: an object replaced since it was opened
 * fails with an error naming it, never with a mix of old and new bytes. The SDK's retry strategy
 * retries 5xx answers, throttling and broken connections before a read fails.
 */
final class S3Source implements ByteSource {
  /** Bytes of the tail fetched when opened: a footer of a few thousand batches fits. */
  static final int TAIL = 256 << 10;

  /**
   * Ranges closer than this are fetched as one: a request costs a round trip and its headers, more
   * than 16 KiB more over the same connection. Not more: the rows of one batch that a random take
   * reads together lie far apart, and a wider gap fetched 9 times the rows' bytes for 1,000 random
   * rows of the benchmark corpus at 64 KiB, 1.x times at 16 KiB (benchmarks/results/s3.md).
   */
  static final long GAP = 16 << 10;

  private static final int CHUNK = 1 << 20;

  private final S3Store store;
  private final String bucket;
  private final String key;
  private final Path name;
  private final long size;
  private final String etag;
  private final String version;
  private final byte[] tail;

  private S3Source(
      S3Store store, String bucket, String key, GetObjectResponse opened, byte[] tail) {
    this.store = store;
    this.bucket = bucket;
    this.key = key;
    this.name = S3Store.name(bucket, key);
    this.size = totalSize(name, opened);
    this.etag = opened.eTag();
    this.version = version(opened);
    this.tail = tail;
  }

  /** Returns what identifies an object's content in an answer: its ETag, else its time. */
  private static String version(GetObjectResponse response) {
    return response.eTag() != null
        ? response.eTag()
        : response.lastModified() != null ? "modified " + response.lastModified() : null;
  }

  /**
   * Fetches the tail of {@code key} in {@code bucket} and records its size and ETag.
   *
   * @throws LazyArrowException naming it if it is missing or its answer is malformed
   */
  static S3Source open(S3Store store, String bucket, String key) {
    Path name = S3Store.name(bucket, key);
    GetObjectRequest request =
        GetObjectRequest.builder().bucket(bucket).key(key).range("bytes=-" + TAIL).build();
    ResponseInputStream<GetObjectResponse> in = send(store, name, request, null);
    GetObjectResponse response = in.response();
    byte[] tail;
    try {
      long size = totalSize(name, response);
      long length = response.contentLength() == null ? -1 : response.contentLength();
      if (length < 0 || length > TAIL || length > size || version(response) == null) {
        throw new LazyArrowException(
            name,
            "the server answered a tail request with "
                + length
                + " bytes of "
                + size
                + (version(response) == null ? " and neither ETag nor Last-Modified" : ""));
      }
      tail = new byte[(int) length];
    } catch (LazyArrowException e) {
      in.abort();
      throw e;
    }
    readBody(store, name, in, ByteBuffer.wrap(tail));
    return new S3Source(store, bucket, key, response, tail);
  }

  /**
   * Sends {@code request} for object {@code name} and returns its answer's body.
   *
   * @throws LazyArrowException naming the object if the server refused it or gave no answer
   */
  private static ResponseInputStream<GetObjectResponse> send(
      S3Store store, Path name, GetObjectRequest request, String version) {
    try {
      return store.client().getObject(request);
    } catch (S3Exception e) {
      throw fault(name, e, version);
    } catch (SdkException e) {
      throw store.faults().request(name, e);
    }
  }

  /**
   * Reads the body of an answer into {@code target}, which it fills, and closes it; on a failure
   * the connection is dropped, not drained.
   *
   * @throws LazyArrowException naming the object if the body breaks off or ends early
   */
  static void readBody(
      S3Store store, Path name, ResponseInputStream<?> in, ByteBuffer target) {
    ByteBuffer heap = target.hasArray() ? target : ByteBuffer.allocate(target.remaining());
    while (heap.hasRemaining()) {
      int n = readSome(store, name, in, heap.array(), heap.arrayOffset() + heap.position(),
          heap.remaining());
      heap.position(heap.position() + n);
    }
    if (heap != target) {
      target.put(heap.flip());
    }
    close(store, name, in);
  }

  /**
   * Reads at least one byte of an answer's body into {@code bytes}, returning how many.
   *
   * @throws LazyArrowException naming the object, the connection dropped, if it breaks off or ends
   */
  private static int readSome(
      S3Store store, Path name, ResponseInputStream<?> in, byte[] bytes, int from, int length) {
    int n;
    try {
      n = in.read(bytes, from, length);
    } catch (IOException | SdkException e) {
      in.abort();
      throw store.faults().body(name, e);
    }
    if (n < 0) {
      in.abort();
      throw new LazyArrowException(
          name, "the answer from " + store.faults().endpoint() + " ended " + length + " bytes early");
    }
    return n;
  }

  private static void close(S3Store store, Path name, ResponseInputStream<?> in) {
    try {
      in.close();
    } catch (IOException | SdkException e) {
      throw store.faults().body(name, e);
    }
  }

  /** Returns the object's size from a ranged answer's {@code Content-Range: bytes a-b/size}. */
  private static long totalSize(Path name, GetObjectResponse response) {
    String range = response.contentRange();
    if (range == null) {
      // The whole object came back: it is smaller than the range asked for.
      return response.contentLength() == null ? -1 : response.contentLength();
    }
    int slash = range.lastIndexOf('/');
    try {
      return Long.parseLong(range.substring(slash + 1).trim());
    } catch (NumberFormatException e) {
      throw new LazyArrowException(name, "the server answered a malformed range: " + range, e);
    }
  }

  /** Returns the error for a request the server refused, naming the object. */
  static LazyArrowException fault(Path name, S3Exception e, String version) {
    if (e.statusCode() == 412 && version != null) {
      return changed(name, version, null);
    }
    if (e.statusCode() == 404) {
      return new LazyArrowException(name, "object is missing", e);
    }
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return new LazyArrowException(
        name,
        "the server refused the request: HTTP " + e.statusCode() + (code == null ? "" : " " + code),
        e);
  }

  /** Returns the error for an object whose ETag is not the one recorded when it was opened. */
  static LazyArrowException changed(Path name, String was, String is) {
    return new LazyArrowException(
        name,
        "object changed since the dataset was opened (it was "
            + was
            + (is == null ? "" : ", it is " + is)
            + "): reopen the dataset to read the new one");
  }

  @Override
  public Path name() {
    return name;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String identity() {
    return version + "-" + size;
  }

  @Override
  public FileChannel channel() {
    return null;
  }

  @Override
  public long gap() {
    return GAP;
  }

  @Override
  public void readFully(long position, ByteBuffer target) throws IOException {
    int length = target.remaining();
    long tailStart = size - tail.length;
    if (position >= tailStart && position + length <= size) {
      target.put(tail, (int) (position - tailStart), length);
      return;
    }
    readBody(store, name, get(position, length), target);
  }

  @Override
  public void read(long position, ArrowBuf target, long length) throws IOException {
    if (target.writerIndex() + length > target.capacity()) {
      throw new IndexOutOfBoundsException(
          "copy of " + length + " bytes into a buffer of " + target.capacity());
    }
    ResponseInputStream<GetObjectResponse> in = get(position, length);
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
    for (long done = 0; done < length; ) {
      int n = readSome(store, name, in, chunk, 0, (int) Math.min(chunk.length, length - done));
      target.setBytes(target.writerIndex(), chunk, 0, n);
      target.writerIndex(target.writerIndex() + n);
      done += n;
    }
    close(store, name, in);
  }

  /** Starts a GET of {@code length} bytes at {@code position}, of the object as it was opened. */
  private ResponseInputStream<GetObjectResponse> get(long position, long length)
      throws IOException {
    if (position < 0 || length < 0 || position + length > size) {
      throw new IOException(
          "bytes " + position + ".." + (position + length) + " lie past the end of the object");
    }
    GetObjectRequest request =
        GetObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .ifMatch(etag)
            .range("bytes=" + position + "-" + (position + length - 1))
            .build();
    ResponseInputStream<GetObjectResponse> in = send(store, name, request, version);
    GetObjectResponse response = in.response();
    try {
      if (!version.equals(version(response)) || totalSize(name, response) != size) {
        throw changed(name, version, version(response) + ", " + totalSize(name, response));
      }
      if (response.contentLength() == null || response.contentLength() != length) {
        throw new LazyArrowException(
            name,
            "asked for " + length + " bytes at " + position + ", got " + response.contentLength());
      }
    } catch (LazyArrowException e) {
      in.abort();
      throw e;
    }
    return in;
  }

  @Override
  public void checkUnchanged() {
    // Every GET carries the ETag recorded when the object was opened.
  }

  @Override
  public void close() {
    // The client is the store's, shared by every object of the dataset.
  }
}
