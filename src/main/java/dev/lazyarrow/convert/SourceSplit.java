package dev.lazyarrow.convert;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * One split as a source holds it: Arrow IPC stream files in row order, and its HuggingFace features.
 *
 * @param name the split's name
 * @param files the stream files, in row order; empty for a split saved with zero rows
 * @param features the features JSON, or null if the source has none
 * @param fingerprint the source's fingerprint of the split, or ""
 * @param describedBy the file that lists the split, named in errors
 */
record SourceSplit(String name, List<Path> files, JsonNode features, String fingerprint,
    Path describedBy) {}
