import type { OffsetIdentity, StoredPartitionOffset } from '@orgpulse/persistence';

export type ResumeReason =
  'first-start' | 'unrecorded-identity' | 'other-cluster' | 'other-topic' | 'beyond-end' | 'below-start';

export type ResumeDecision =
  | { rebind: false; from: string }
  | { rebind: true; from: string; reason: ResumeReason; warn: boolean; message: string };

export interface ResumeFacts {
  stored: StoredPartitionOffset | undefined;
  identity: OffsetIdentity;
  /** the partition's first and next-to-be-written offsets now */
  low: string;
  high: string;
}

/**
 * PostgreSQL's offset is the truth, but only in the cluster and topic incarnation it was counted in and
 * only within the partition. Otherwise the partition is read from its start: the event store drops
 * what it already holds (org + event id), so re-reading is safe and skipping never is.
 */
export function decideResume({ stored, identity, low, high }: ResumeFacts): ResumeDecision {
  const fromStart = (reason: ResumeReason, message: string, warn = true): ResumeDecision => ({
    rebind: true,
    from: low,
    reason,
    warn,
    message,
  });
  if (!stored)
    return fromStart('first-start', 'no stored offset for this partition: reading it from its start', false);
  if (!stored.identity)
    return fromStart(
      'unrecorded-identity',
      'the stored offset names no cluster (stored before identities were kept): re-reading the partition from its start',
    );
  if (stored.identity.clusterId !== identity.clusterId)
    return fromStart(
      'other-cluster',
      `the stored offset counts in another Kafka cluster (${stored.identity.clusterId}, now ${identity.clusterId}): re-reading the partition from its start`,
    );
  if (stored.identity.topicId !== identity.topicId)
    return fromStart(
      'other-topic',
      `the stored offset counts in an earlier incarnation of the topic (id ${stored.identity.topicId}, now ${identity.topicId}): re-reading the partition from its start`,
    );
  if (BigInt(stored.nextOffset) > BigInt(high))
    return fromStart(
      'beyond-end',
      `the stored offset ${stored.nextOffset} is beyond the partition's end ${high}: re-reading the partition from its start`,
    );
  if (BigInt(stored.nextOffset) < BigInt(low))
    return fromStart(
      'below-start',
      `records ${stored.nextOffset}..${BigInt(low) - 1n} were deleted by retention before they were projected: resuming at the partition's start`,
    );
  return { rebind: false, from: stored.nextOffset };
}
