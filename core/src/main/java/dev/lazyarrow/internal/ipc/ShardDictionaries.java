package dev.lazyarrow.internal.ipc;


import dev.lazyarrow.format.LazyArrowException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
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
public final class ShardDictionaries {
  private ShardDictionaries() {}

  /**
   * Converts the file's schema to its in-memory form, where dictionary-encoded fields hold their
   * index type, filling {@code dictionaries} with the loaded dictionaries by id.
   */
  public static Schema load(
      Path path,
      Schema fileSchema,
      List<ArrowBlock> blocks,
      BlockReader segments,
      BufferAllocator allocator,
      Map<Long, Dictionary> dictionaries)
      throws java.io.IOException {
    List<Field> fields = new ArrayList<>();
    for (Field field : fileSchema.getFields()) {
      fields.add(DictionaryUtility.toMemoryFormat(field, allocator, dictionaries));
    }
    for (int i = 0; i < blocks.size(); i++) {
      ArrowBlock block = blocks.get(i);
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
      String what = "dictionary batch " + i + " (dictionary " + header.id() + ")";
      RecordBatch batch = header.data();
      if (batch == null) {
        throw new LazyArrowException(path, what + " has no record batch");
      }
      ArrowBuf body = segments.body(allocator, block);
      try {
        RecordBatches.checkBuffers(path, what, batch, body.capacity());
      } catch (LazyArrowException e) {
        body.close();
        throw e;
      }
      FieldVector target = dictionary.getVector();
      try (ArrowRecordBatch data = MessageSerializer.deserializeRecordBatch(batch, body);
          ArrowRecordBatch plain =
              BatchValidator.check(
                  path, what, List.of(target.getField()), data, dictionaries, allocator)) {
        if (header.isDelta()) {
          // Appending writes into the target, which must not be a view of the read-only mapping.
          FieldVector grown = target.getField().createVector(allocator);
          try (FieldVector delta = target.getField().createVector(allocator)) {
            VectorBatchAppender.batchAppend(grown, target);
            loadInto(delta, plain);
            VectorBatchAppender.batchAppend(grown, delta);
          } catch (RuntimeException e) {
            grown.close();
            throw e;
          }
          target.close();
          dictionaries.put(header.id(), new Dictionary(grown, dictionary.getEncoding()));
        } else {
          loadInto(target, plain);
        }
      }
    }
    return new Schema(fields, fileSchema.getCustomMetadata());
  }

  private static void loadInto(FieldVector vector, ArrowRecordBatch data) {
    VectorSchemaRoot root =
        new VectorSchemaRoot(
            Collections.singletonList(vector.getField()), Collections.singletonList(vector), 0);
    new VectorLoader(root).load(data);
  }
}
