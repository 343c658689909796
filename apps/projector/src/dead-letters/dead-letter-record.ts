import type { DeadLetter, DeadLetterOrigin } from '@orgpulse/persistence';
import type { IHeaders, Message } from 'kafkajs';

export const ORIGIN_HEADERS = {
  clusterId: 'orgpulse-origin-cluster-id',
  topicId: 'orgpulse-origin-topic-id',
  topic: 'orgpulse-origin-topic',
  partition: 'orgpulse-origin-partition',
  offset: 'orgpulse-origin-offset',
  timestamp: 'orgpulse-origin-timestamp',
} as const;

/** The record as it was received (key, value, headers), with why it was refused and where it came from. */
export function deadLetterRecord(letter: DeadLetter): Message {
  const headers: IHeaders = {};
  for (const [name, base64] of Object.entries(letter.headers)) headers[name] = Buffer.from(base64, 'base64');
  return {
    key: letter.key,
    value: letter.value,
    headers: {
      ...headers,
      'orgpulse-error': letter.error,
      [ORIGIN_HEADERS.clusterId]: letter.clusterId,
      [ORIGIN_HEADERS.topicId]: letter.topicId,
      [ORIGIN_HEADERS.topic]: letter.topic,
      [ORIGIN_HEADERS.partition]: String(letter.partition),
      [ORIGIN_HEADERS.offset]: letter.offset,
      [ORIGIN_HEADERS.timestamp]: letter.timestamp,
    },
  };
}

/** Where a record on the dead-letter topic came from, or undefined if it carries no (complete) origin. */
export function originOf(headers: IHeaders | undefined): DeadLetterOrigin | undefined {
  const text = (name: string) => {
    const value = headers?.[name];
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    return last === undefined ? undefined : last.toString();
  };
  const [clusterId, topicId, topic, partition, offset] = [
    text(ORIGIN_HEADERS.clusterId),
    text(ORIGIN_HEADERS.topicId),
    text(ORIGIN_HEADERS.topic),
    text(ORIGIN_HEADERS.partition),
    text(ORIGIN_HEADERS.offset),
  ];
  if (!clusterId || !topicId || !topic || !partition || !offset) return undefined;
  if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset)) return undefined;
  return { clusterId, topicId, topic, partition: Number(partition), offset };
}
