/**
 * Tokenizing in conversion: the engine that runs HuggingFace {@code tokenizer.json} files, found
 * by the core; add this module to use {@code Converter.Builder.tokenize}.
 */
package dev.lazyarrow.tokenizers;
