package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.convert.BatchReader;
import dev.lazyarrow.internal.convert.HfFeatures;
import dev.lazyarrow.internal.convert.ShardWriter;
import dev.lazyarrow.internal.convert.SourceSplit;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The writing of one conversion's splits into its staging folder: each source split's files read
 * batch by batch, tokenized when asked, and written into shards.
 */
final class SplitConversion {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path tmp;
  private final BufferAllocator allocator;
  private final long batchBytes;
  private final long shardBytes;
  private final CompressionUtil.CodecType codec;
  private final Converter.Progress progress;
  private final Tokenizing tokenizing;

  /** Writes into the staging folder {@code tmp}; {@code tokenizing} is null for no ids. */
  SplitConversion(
      Path tmp,
      BufferAllocator allocator,
      long batchBytes,
      long shardBytes,
      CompressionUtil.CodecType codec,
      Converter.Progress progress,
      Tokenizing tokenizing) {
    this.tmp = tmp;
    this.allocator = allocator;
    this.batchBytes = batchBytes;
    this.shardBytes = shardBytes;
    this.codec = codec;
    this.progress = progress;
    this.tokenizing = tokenizing;
  }

  /** Converts {@code split}, returning its manifest entry. */
  Manifest.SplitEntry convert(SourceSplit split) throws IOException {
    Schema schema = null;
    Path schemaFrom = null;
    ShardWriter writer = null;
    JsonNode features = split.features();
    try {
      for (Path file : split.files()) {
        try (BatchReader reader = split.format().open(file, allocator, batchBytes)) {
          Schema fileSchema = reader.schema();
          if (schema == null) {
            if (features == null && fileSchema.getCustomMetadata().containsKey(HfFeatures.KEY)) {
              features = HfFeatures.fromMetadata(file, fileSchema.getCustomMetadata().get(HfFeatures.KEY));
            }
            schema = fileSchema;
            schemaFrom = file;
            writer =
                new ShardWriter(
                    tmp,
                    split.name(),
                    tokenizing == null ? schema : tokenizing.schema(file, schema),
                    allocator,
                    batchBytes,
                    shardBytes,
                    codec);
          } else if (!schema.getFields().equals(fileSchema.getFields())) {
            throw new LazyArrowException(
                file,
                "schema differs from "
                    + schemaFrom.getFileName()
                    + " of the same split: "
                    + fileSchema.getFields()
                    + " vs "
                    + schema.getFields());
          }
          long read = 0;
          while (reader.next()) {
            write(writer, reader.root());
            long now = reader.bytesRead();
            progress.advance(reader.root().getRowCount(), now - read);
            read = now;
          }
          progress.advance(0, Files.size(file) - read);
        } catch (IOException | RuntimeException e) {
          throw e instanceof LazyArrowException lae
              ? lae
              : new LazyArrowException(
                  file, "cannot read " + split.format() + ": " + e.getMessage(), e);
        }
      }
      if (writer == null) {
        writer =
            new ShardWriter(
                tmp,
                split.name(),
                tokenizing == null
                    ? schemaFromFeatures(split)
                    : tokenizing.schema(split.describedBy(), schemaFromFeatures(split)),
                allocator,
                batchBytes,
                shardBytes,
                codec);
      }
      List<Manifest.Shard> shards = writer.finish();
      long rows = shards.stream().mapToLong(Manifest.Shard::rows).sum();
      return new Manifest.SplitEntry(
          split.name(),
          rows,
          tokenizing == null ? features : tokenizing.features(features),
          shards,
          tokenizing == null ? split.formatColumns() : tokenizing.formatColumns(split.formatColumns()));
    } finally {
      if (writer != null) {
        writer.close();
      }
    }
  }

  /** Writes {@code batch}, with its ids beside it when tokenizing. */
  private void write(ShardWriter writer, VectorSchemaRoot batch) throws IOException {
    if (tokenizing == null) {
      writer.write(batch);
      return;
    }
    try (ListVector ids = tokenizing.encode(batch, allocator)) {
      List<FieldVector> vectors = new ArrayList<>(batch.getFieldVectors());
      vectors.add(ids);
      // Not closed: the source's vectors stay the reader's; the ids are closed above.
      VectorSchemaRoot tokenized = new VectorSchemaRoot(vectors);
      tokenized.setRowCount(batch.getRowCount());
      writer.write(tokenized);
      progress.tokens(ids.getDataVector().getValueCount());
    }
  }

  /** Gives a split saved with zero rows (no data files) its schema, from its features. */
  private static Schema schemaFromFeatures(SourceSplit split) {
    if (split.features() == null) {
      throw new LazyArrowException(
          split.describedBy(),
          "split '" + split.name() + "' has no data files and no features: its schema is unknown");
    }
    Map<String, Feature> features = Feature.parseAll(split.features().toString());
    ObjectNode hf = JSON.createObjectNode();
    hf.putObject("info").set("features", split.features());
    Map<String, String> metadata = new HashMap<>();
    metadata.put(HfFeatures.KEY, hf.toString());
    return new Schema(Feature.toArrowSchema(features).getFields(), metadata);
  }
}
