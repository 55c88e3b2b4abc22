package dev.lazyarrow.io;

import dev.lazyarrow.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;
import org.apache.arrow.vector.util.VectorBatchAppender;

/**
 * Loads the dictionaries of a shard's dictionary-encoded fields, zero-copy like record batches.
 *
 * <p>The IPC file format writes each dictionary once, possibly followed by delta batches that
 * extend it; a shard keeps its dictionaries for as long as it is open.
 */
final class ShardDictionaries {
  private ShardDictionaries() {}

  /**
   * Converts the file's schema to its in-memory form, where dictionary-encoded fields hold their
   * index type, filling {@code dictionaries} with the loaded dictionaries by id.
   */
  static Schema load(
      Path path,
      Schema fileSchema,
      List<ArrowBlock> blocks,
      Segments segments,
      BufferAllocator allocator,
      CompressionCodec.Factory codecs,
      Map<Long, Dictionary> dictionaries)
      throws java.io.IOException {
    List<Field> fields = new ArrayList<>();
    for (Field field : fileSchema.getFields()) {
      fields.add(DictionaryUtility.toMemoryFormat(field, allocator, dictionaries));
    }
    for (ArrowBlock block : blocks) {
      Message message = segments.message(block);
      if (message.headerType() != MessageHeader.DictionaryBatch) {
        throw new LazyArrowException(
            path, "block at offset " + block.getOffset() + " is not a dictionary batch");
      }
      DictionaryBatch header = (DictionaryBatch) message.header(new DictionaryBatch());
      Dictionary dictionary = dictionaries.get(header.id());
      if (dictionary == null) {
        throw new LazyArrowException(path, "dictionary " + header.id() + " is not in the schema");
      }
      try (ArrowRecordBatch data =
          MessageSerializer.deserializeRecordBatch(
              header.data(), segments.body(allocator, block))) {
        FieldVector target = dictionary.getVector();
        if (header.isDelta()) {
          try (FieldVector delta = target.getField().createVector(allocator)) {
            loadInto(delta, data, codecs);
            VectorBatchAppender.batchAppend(target, delta);
          }
        } else {
          loadInto(target, data, codecs);
        }
      }
    }
    return new Schema(fields, fileSchema.getCustomMetadata());
  }

  private static void loadInto(
      FieldVector vector, ArrowRecordBatch data, CompressionCodec.Factory codecs) {
    VectorSchemaRoot root =
        new VectorSchemaRoot(
            Collections.singletonList(vector.getField()), Collections.singletonList(vector), 0);
    new VectorLoader(root, codecs).load(data);
  }
}
