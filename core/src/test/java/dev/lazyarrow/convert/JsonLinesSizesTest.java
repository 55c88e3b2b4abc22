package dev.lazyarrow.convert;

import dev.lazyarrow.testing.SmallHeap;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JSON Lines files legal in structure but hostile in magnitude (issue 23), each converted in a JVM
 * of 256 MiB heap: every one is a single clear error naming the file, never an OutOfMemoryError.
 */
class JsonLinesSizesTest {
  @TempDir Path tmp;

  private void refusedAtSmallHeap(Path source, String expected) throws Exception {
    SmallHeap.assertRefused(source, tmp.resolve("out"), expected);
  }

  @Test
  void convert_lineOf200MiB_isRefusedBeforeItIsHeldWhole() throws Exception {
    Path source = tmp.resolve("long.jsonl");
    byte[] text = new byte[1 << 20];
    Arrays.fill(text, (byte) 'a');
    try (OutputStream out = Files.newOutputStream(source)) {
      out.write("{\"text\": \"".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 200; i++) {
        out.write(text);
      }
      out.write("\"}\n".getBytes(StandardCharsets.US_ASCII));
    }
    // At 256 MiB of heap a line may hold 256 MiB / 32.
    refusedAtSmallHeap(source, "is longer than 8388608 bytes, the most this heap can parse");
  }

  @Test
  void convert_objectOfAMillionDistinctKeys_isRefused() throws Exception {
    Path source = tmp.resolve("keys.jsonl");
    try (Writer out = Files.newBufferedWriter(source)) {
      out.write("{");
      for (int i = 0; i < 1_000_000; i++) {
        out.write((i == 0 ? "\"k" : ",\"k") + i + "\":0");
      }
      out.write("}\n");
    }
    refusedAtSmallHeap(source, "is longer than 8388608 bytes");
  }

  @Test
  void convert_moreDistinctKeysThanTheHeapHolds_isRefusedNamingTheLine() throws Exception {
    Path source = tmp.resolve("columns.jsonl");
    try (Writer out = Files.newBufferedWriter(source)) {
      for (int line = 0; line < 5; line++) {
        out.write("{");
        for (int i = 0; i < 1_000; i++) {
          out.write((i == 0 ? "\"k" : ",\"k") + (line * 1_000 + i) + "\":0");
        }
        out.write("}\n");
      }
    }
    // 4096 columns at 256 MiB of heap: line 5 brings the 4097th.
    refusedAtSmallHeap(
        source, "line 5: more than 4096 distinct keys and lists (columns), more than this heap");
  }

  @Test
  void convert_valueNested10000Deep_isRefusedBeforeRecursion() throws Exception {
    Path source = tmp.resolve("deep.jsonl");
    Files.writeString(source, "{\"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}\n");
    refusedAtSmallHeap(source, "line 1 is not valid JSON: Document nesting depth (66) exceeds");
  }
}
