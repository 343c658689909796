import {
  VALIDATED_BY,
  VALIDATED_HEADER,
  parseAcceptedEvent,
  printable,
  subjectOf,
} from '@orgpulse/contracts';
import type { Batch, KafkaMessage } from 'kafkajs';
import type { ProjectableRecord, UnprojectableRecord } from './project-batch.handler';

/** One record of a batch, in offset order: an event to store, or one to dead-letter as received. */
export type BatchItem =
  { offset: string; record: ProjectableRecord } | { offset: string; letter: UnprojectableRecord };

/** Whether the producer says it validated the event with today's rules (see VALIDATED_HEADER). */
const validated = (message: KafkaMessage): boolean => {
  const marker = message.headers?.[VALIDATED_HEADER];
  return marker !== undefined && !Array.isArray(marker) && String(marker) === VALIDATED_BY;
};

export function toItem(message: KafkaMessage): BatchItem {
  const parsed = parseAcceptedEvent(message.value, validated(message));
  if (!parsed.ok) return { offset: message.offset, letter: letterOf(message, parsed.error) };
  return {
    offset: message.offset,
    record: { offset: message.offset, subject: subjectOf(parsed.event), event: parsed.event },
  };
}

export function deadLetterOf(batch: Batch, offset: string, error: string): UnprojectableRecord {
  const message = batch.messages.find((m) => m.offset === offset);
  if (!message) throw new Error(`offset ${offset} is not in the batch`);
  return letterOf(message, error);
}

function letterOf(message: KafkaMessage, error: string): UnprojectableRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    // base64 keeps any bytes a producer sent (PostgreSQL text and jsonb refuse U+0000)
    headers[printable(name)] = Buffer.from(values[values.length - 1] ?? '').toString('base64');
  }
  return {
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key ?? null,
    value: message.value ?? null,
    headers,
    error: printable(error).slice(0, 4_000),
  };
}
