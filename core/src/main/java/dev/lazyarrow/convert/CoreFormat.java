package dev.lazyarrow.convert;

import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.SourceFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** The source formats the core reads itself. */
enum CoreFormat implements SourceFormat {
  /** Arrow IPC, stream or file format, compressed or not. */
  ARROW("Arrow IPC", "arrow_file", List.of(".arrow", ".feather", ".ipc")) {
    @Override
    public BatchReader open(Path file, BufferAllocator allocator, long batchBytes)
        throws IOException {
      return ArrowBatches.open(file, allocator);
    }
  },
  /** One JSON object a line, types inferred as the datasets json builder infers them. */
  JSON_LINES("JSON Lines", "json_lines", List.of(".jsonl", ".json", ".ndjson")) {
    @Override
    public BatchReader open(Path file, BufferAllocator allocator, long batchBytes)
        throws IOException {
      return JsonLinesBatches.open(file, allocator, batchBytes);
    }
  };

  private final String description;
  private final String layout;
  private final List<String> extensions;

  CoreFormat(String description, String layout, List<String> extensions) {
    this.description = description;
    this.layout = layout;
    this.extensions = extensions;
  }

  @Override
  public String layout() {
    return layout;
  }

  @Override
  public List<String> extensions() {
    return extensions;
  }

  @Override
  public String toString() {
    return description;
  }
}
