/**
 * Datasets in S3 and S3-compatible object storage, {@code s3://bucket/prefix}: with this module's
 * artifact, {@code lazyarrow-s3}, on the class path, {@code LazyDataset.open(URI)} reads them by
 * ranged GETs and {@code lazyarrow convert} writes into them; {@link dev.lazyarrow.s3.S3Store}
 * holds the AWS SDK client and its settings.
 */
package dev.lazyarrow.s3;
