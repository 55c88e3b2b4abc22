package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.Schema;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * Checks the shape of a schema flatbuffer before Arrow converts it, which it does recursively and
 * without limits: a field whose children point back at itself would overflow the stack, and
 * children shared between fields would multiply the work.
 */
public final class SchemaCheck {
  private SchemaCheck() {}

  /**
   * Checks that the fields of {@code schema}, read from {@code file}, nest at most {@link
   * BatchValidator#MAX_DEPTH} deep and form a tree no larger than the flatbuffer can hold.
   *
   * @throws LazyArrowException if they do not, or a field lies outside the flatbuffer
   */
  static void check(Path file, Schema schema) {
    if (schema == null) {
      throw new LazyArrowException(file, "the footer or message holds no schema");
    }
    // Each field of a tree takes a 4-byte slot in its parent's vector: more visits mean sharing.
    int[] budget = {schema.getByteBuffer().capacity() / 4 + 1};
    try {
      for (int i = 0; i < schema.fieldsLength(); i++) {
        field(file, schema.fields(i), 1, budget);
      }
    } catch (IndexOutOfBoundsException e) {
      throw new LazyArrowException(file, "corrupt schema: " + e, e);
    }
  }

  /**
   * Reads the schema message {@code bytes} (prefix, then the {@code Message} flatbuffer, as pyarrow
   * stores one under {@code ARROW:schema} in a Parquet file), found in {@code file} as {@code
   * what}, checking its framing, its shape and that it has at most {@code maxFields} fields (nested
   * ones included) before Arrow converts it.
   *
   * @throws LazyArrowException if it is not a schema message or fails a check
   */
  public static org.apache.arrow.vector.types.pojo.Schema readMessage(
      Path file, String what, ByteBuffer bytes, int maxFields) {
    bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    try {
      Framing.Prefix prefix =
          Framing.prefix(file, 0, bytes, bytes.remaining(), bytes.remaining());
      Message message =
          Message.getRootAsMessage(
              bytes.slice(prefix.bytes(), prefix.metadataLength()).order(ByteOrder.LITTLE_ENDIAN));
      if (prefix.endOfStream() || message.headerType() != MessageHeader.Schema) {
        throw new LazyArrowException(file, what + " is not an Arrow schema message");
      }
      Schema schema = (Schema) message.header(new Schema());
      check(file, schema);
      int[] budget = {maxFields};
      for (int i = 0; i < schema.fieldsLength(); i++) {
        count(file, what, schema.fields(i), budget);
      }
      return MessageSerializer.deserializeSchema(message);
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new LazyArrowException(file, what + " is not an Arrow schema message: " + e, e);
    }
  }

  /** Counts {@code field} and its descendants against {@code budget}; check bounded the depth. */
  private static void count(Path file, String what, Field field, int[] budget) {
    if (--budget[0] < 0) {
      throw new LazyArrowException(
          file, what + " has more fields than this heap holds the columns of");
    }
    for (int i = 0; i < field.childrenLength(); i++) {
      count(file, what, field.children(i), budget);
    }
  }

  private static void field(Path file, Field field, int depth, int[] budget) {
    if (depth > BatchValidator.MAX_DEPTH) {
      throw new LazyArrowException(
          file,
          "schema nests deeper than "
              + BatchValidator.MAX_DEPTH
              + " levels (or a field contains itself)");
    }
    if (--budget[0] < 0) {
      throw new LazyArrowException(file, "schema fields share children (a corrupt footer)");
    }
    for (int i = 0; i < field.childrenLength(); i++) {
      field(file, field.children(i), depth + 1, budget);
    }
  }
}
