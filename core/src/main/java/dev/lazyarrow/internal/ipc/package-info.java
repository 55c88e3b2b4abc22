/**
 * Arrow IPC, read and written: the framing of messages, file footers and stream indexes, record
 * batch metadata checked against its body, codecs, checksums and the converter's IPC writer.
 * Everything read here is untrusted and checked before it sizes an allocation or reaches a read.
 * Internal: not API.
 */
package dev.lazyarrow.internal.ipc;
