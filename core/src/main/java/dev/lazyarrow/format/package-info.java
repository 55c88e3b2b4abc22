/**
 * The dataset directory's format: the {@code lazyarrow.json} manifest, the HuggingFace features
 * model, and the rules for names and files read from untrusted data. {@link
 * dev.lazyarrow.format.Feature} is API; {@link dev.lazyarrow.internal.format.Manifest}, {@link
 * dev.lazyarrow.internal.format.Names} and {@link dev.lazyarrow.internal.format.SafeFiles} are public for the
 * packages beside this one, the converter and the command line only.
 */
package dev.lazyarrow.format;
