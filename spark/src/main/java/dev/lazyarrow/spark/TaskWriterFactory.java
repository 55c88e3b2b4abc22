package dev.lazyarrow.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/**
 * Makes the writer of each task attempt on the executors; the schemas travel as Arrow IPC schema
 * messages.
 */
record TaskWriterFactory(WriteSpec spec, byte[] rowSchema, byte[] shardSchema, String staging)
    implements DataWriterFactory {

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    return new TaskWriter(this, partitionId, taskId);
  }
}
