package dev.lazyarrow.testing;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Endianness;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Int;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.flatbuf.Struct_;
import org.apache.arrow.flatbuf.Type;

/** Hostile schemas: IPC streams whose one schema nests a column thousands of levels deep. */
public final class DeepSchemas {
  private DeepSchemas() {}

  /**
   * Writes to {@code file} an IPC stream of one schema message, a column of {@code type} (List or
   * Struct_) nested {@code depth} deep around an int64, and the end-of-stream marker; the
   * flatbuffer is built from the innermost field out, so nothing here recurses.
   */
  public static Path stream(Path file, byte type, int depth) throws IOException {
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
        Schema.createSchema(
            b, Endianness.Little, Schema.createFieldsVector(b, new int[] {field}), 0, 0);
    b.finish(Message.createMessage(b, MetadataVersion.V5, MessageHeader.Schema, schema, 0, 0));
    byte[] message = b.sizedByteArray();
    int padded = (message.length + 7) & ~7;
    ByteBuffer out = ByteBuffer.allocate(8 + padded + 8).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(-1).putInt(padded).put(message).position(8 + padded).putInt(-1).putInt(0);
    Files.write(file, out.array());
    return file;
  }
}
