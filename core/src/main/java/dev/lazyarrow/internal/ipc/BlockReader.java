package dev.lazyarrow.internal.ipc;

import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/** Reads a block's message and body: from a shard's mappings, or fetched from a remote object. */
public interface BlockReader {
  /** Reads the message flatbuffer of {@code block}. */
  Message message(ArrowBlock block);

  /** Returns the body of {@code block} as an Arrow buffer owned by the caller. */
  ArrowBuf body(BufferAllocator allocator, ArrowBlock block);
}
