package dev.lazyarrow.internal.convert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lazyarrow.format.Feature;
import dev.lazyarrow.format.LazyArrowException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The HuggingFace features that sources carry: in a {@code save_to_disk} state or info file, or in
 * schema metadata under {@value #KEY} as {@code {"info": {"features": ...}}}.
 */
public final class HfFeatures {
  /** The schema metadata key under which datasets stores its features. */
  public static final String KEY = "huggingface";

  private static final ObjectMapper JSON = new ObjectMapper();

  private HfFeatures() {}

  /**
   * Returns {@code features} (JSON null: null) once they parse as features.
   *
   * @throws LazyArrowException naming {@code file} if they do not
   */
  public static JsonNode check(Path file, JsonNode features) {
    if (features == null || features.isNull()) {
      return null;
    }
    try {
      Feature.parseAll(features.toString());
    } catch (IllegalArgumentException e) {
      throw new LazyArrowException(file, "invalid features: " + e.getMessage(), e);
    }
    return features;
  }

  /**
   * Returns the features of the value of a {@value #KEY} metadata key, or null if none.
   *
   * @throws LazyArrowException naming {@code file} if the value is not JSON or the features are
   *     invalid
   */
  public static JsonNode fromMetadata(Path file, String huggingface) {
    try {
      return check(file, JSON.readTree(huggingface).path("info").get("features"));
    } catch (IOException e) {
      throw new LazyArrowException(file, "metadata key " + KEY + " is not valid JSON", e);
    }
  }
}
