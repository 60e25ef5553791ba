import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * Kafka's default partition for a key (murmur2, as the Java client and kafkajs compute it), for a
 * topic with `partitionCount` partitions. The produce pipeline picks partitions itself so it can
 * tell exactly which offsets each message got.
 */
export function keyPartitioner(partitionCount: number): (key: string | Buffer) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitionCount }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return (key) => partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
