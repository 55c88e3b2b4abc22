package dev.lazyarrow.convert;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Int;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.flatbuf.Struct_;
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
    Path stream = deepStream(tmp.resolve("deep.arrow"), Type.List, 10_000);
    assertRefused(stream, () -> Converter.newBuilder().build().convert(stream, tmp.resolve("o")));
    assertFalse(Files.exists(tmp.resolve("o")));
  }

  @Test
  void convert_streamNestingStructsTenThousandDeep_isRefusedNamingTheFile() throws IOException {
    Path stream = deepStream(tmp.resolve("deep.arrow"), Type.Struct_, 10_000);
    assertRefused(stream, () -> Converter.newBuilder().build().convert(stream, tmp.resolve("o")));
  }

  @Test
  void index_streamNestingListsTenThousandDeep_isRefusedNamingTheFile() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src"));
    Fixtures.copyTree(Fixtures.path("hf/save_single"), source);
    Path stream = deepStream(source.resolve("data-00000-of-00001.arrow"), Type.List, 10_000);
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

  /**
   * Writes to {@code file} an IPC stream of one schema message, a column of {@code type} (List or
   * Struct_) nested {@code depth} deep around an int64, and the end-of-stream marker; the
   * flatbuffer is built from the innermost field out, so nothing here recurses.
   */
  private static Path deepStream(Path file, byte type, int depth) throws IOException {
    FlatBufferBuilder b = new FlatBufferBuilder();
    int field =
        Field.createField(
            b, b.createString("x"), true, Type.Int, Int.createInt(b, 64, true), 0, 0, 0);
    for (int i = 0; i < depth; i++) {
      int children = Field.createChildrenVector(b, new int[] {field});
      int nested;
      if (type == Type.List) {
        org.apache.arrow.flatbuf.List.startList(b);
        nested = org.apache.arrow.flatbuf.List.endList(b);
      } else {
        Struct_.startStruct_(b);
        nested = Struct_.endStruct_(b);
      }
      field = Field.createField(b, b.createString("n"), true, type, nested, 0, children, 0);
    }
    int schema =
        Schema.createSchema(b, Endianness.Little, Schema.createFieldsVector(b, new int[] {field}), 0, 0);
    b.finish(Message.createMessage(b, MetadataVersion.V5, MessageHeader.Schema, schema, 0, 0));
    byte[] message = b.sizedByteArray();
    int padded = (message.length + 7) & ~7;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + 8).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(-1).putInt(padded).put(message).position(8 + padded).putInt(-1).putInt(0);
    Files.write(file, out.array());
    return file;
  }
}
