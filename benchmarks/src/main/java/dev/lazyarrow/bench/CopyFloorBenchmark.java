package dev.lazyarrow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor of packing a warm corpus: the loop of {@code
 * benchmarks/cold/CopyFloor.java} in the suite, copying spans of 16-512 ints (the corpus's document
 * lengths) from uniformly random places of the uncompressed corpus's mapped shards into one int
 * array, as a packer copies the documents of a shuffled epoch. It reads no offsets and builds no
 * sample, so a packed loader can only approach it. Each invocation copies {@value #DOCUMENTS} spans;
 * the score is spans per second, and a span holds 264 tokens on average, so tokens per second are
 * the score times 264.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(CopyFloorBenchmark.DOCUMENTS)
@Fork(value = 1, jvmArgsAppend = CorpusState.ADD_OPENS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class CopyFloorBenchmark extends CorpusState {
  static final int DOCUMENTS = 10_000;

  @Param("1GB")
  public String size;

  /** The shards as native-order int views, so that a bulk get is a plain memory copy. */
  private IntBuffer[] shards;

  private final int[] out = new int[1 << 22];
  private SplittableRandom random;
  private int at;

  @Setup
  public void setup() throws IOException {
    Path split = dataset(size, "none").resolve("train");
    List<Path> files;
    try (var list = Files.list(split)) {
      files = list.filter(f -> f.toString().endsWith(".arrow")).sorted().toList();
    }
    shards = new IntBuffer[files.size()];
    for (int i = 0; i < shards.length; i++) {
      try (FileChannel channel = FileChannel.open(files.get(i))) {
        long bytes = Math.min(channel.size(), Integer.MAX_VALUE);
        shards[i] =
            channel
                .map(FileChannel.MapMode.READ_ONLY, 0, bytes)
                .order(ByteOrder.nativeOrder())
                .asIntBuffer();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot map " + files.get(i), e);
      }
    }
    random = new SplittableRandom(0);
  }

  /** Copies the next {@value #DOCUMENTS} spans; returns a copied token so that the copies are kept. */
  @Benchmark
  public int copy() {
    for (int d = 0; d < DOCUMENTS; d++) {
      IntBuffer shard = shards[random.nextInt(shards.length)];
      int length = 16 + random.nextInt(497);
      int index = random.nextInt(shard.capacity() - length);
      if (at + length > out.length) {
        at = 0;
      }
      shard.get(index, out, at, length);
      at += length;
    }
    return out[at - 1];
  }
}
