/**
 * The dataset directory's format: the {@code lazyarrow.json} manifest and the HuggingFace features
 * model. {@link dev.lazyarrow.format.Feature} is API; {@link dev.lazyarrow.format.Manifest} is
 * public for the converter and the command line only.
 */
package dev.lazyarrow.format;
