package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.DeepSchemas;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.flatbuf.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream schemas that Arrow's recursive conversion would overflow the stack on: conversion and
 * indexing refuse them as a footer's schema is refused, before Arrow reads them.
 */
class HostileSchemaTest {
  @TempDir Path tmp;

  @Test
  void convert_streamNestingListsTenThousandDeep_isRefusedNamingTheFile() throws IOException {
    Path stream = DeepSchemas.stream(tmp.resolve("deep.arrow"), Type.List, 10_000);
    assertRefused(stream, () -> Converter.newBuilder().build().convert(stream, tmp.resolve("o")));
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void convert_streamNestingStructsTenThousandDeep_isRefusedNamingTheFile() throws IOException {
    Path stream = DeepSchemas.stream(tmp.resolve("deep.arrow"), Type.Struct_, 10_000);
    assertRefused(stream, () -> Converter.newBuilder().build().convert(stream, tmp.resolve("o")));
  }

  @Test
  void index_streamNestingListsTenThousandDeep_isRefusedNamingTheFile() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src"));
    Fixtures.copyTree(Fixtures.path("hf/save_single"), source);
    Path stream =
        DeepSchemas.stream(source.resolve("data-00000-of-00001.arrow"), Type.List, 10_000);
    assertRefused(stream, () -> Indexer.index(source));
  }

  @Test
  void convert_saveToDiskSchemaFieldContainingItself_isRefusedNamingTheFile() throws IOException {
    // Issue 23: bytes 2520-2523 of save_single's stream set to e8ffffff, a child offset of -24
    // that points the field's children vector back at the field itself.
    Path source = Fixtures.copyTree(Fixtures.path("hf/save_single"), tmp.resolve("src"));
    Path stream = source.resolve("data-00000-of-00001.arrow");
    try (FileChannel channel = FileChannel.open(stream, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {(byte) 0xe8, -1, -1, -1}), 2520);
    }
    assertRefused(stream, () -> Converter.newBuilder().build().convert(source, tmp.resolve("o")));
    assertRefused(stream, () -> Indexer.index(source));
  }

  private static void assertRefused(Path file, org.junit.jupiter.api.function.Executable run) {
    LazyArrowException e = assertThrows(LazyArrowException.class, run);
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("nests deeper than 64 levels"), e.getMessage());
  }
}
