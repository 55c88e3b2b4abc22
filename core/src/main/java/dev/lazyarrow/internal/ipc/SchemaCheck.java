package dev.lazyarrow.internal.ipc;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Field;
import org.apache.arrow.flatbuf.Schema;

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
