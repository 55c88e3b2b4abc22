package dev.lazyarrow.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import dev.lazyarrow.LazyDataset;
import dev.lazyarrow.Split;
import dev.lazyarrow.convert.Converter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The bundled emotion sample converted into a folder and opened on an allocator of its own, with an
 * NDManager; closing it fails if an NDArray or an Arrow buffer was left open.
 */
final class ConvertedEmotion implements AutoCloseable {
  final NDManager manager = NDManager.newBaseManager();
  final Split train;
  final Split validation;
  private final BufferAllocator allocator = new RootAllocator();
  private final LazyDataset emotion;

  ConvertedEmotion(Path dir) throws IOException {
    Converter.newBuilder().build().convert(Path.of("../samples/data/emotion"), dir);
    emotion = LazyDataset.newBuilder().allocator(allocator).open(dir);
    train = emotion.split("train");
    validation = emotion.split("validation");
  }

  @Override
  public void close() {
    emotion.close();
    assertEquals(List.of(), manager.getManagedArrays(), "every NDArray was closed");
    manager.close();
    allocator.close(); // fails if an Arrow buffer leaked
  }
}
