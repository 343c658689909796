import { randomUUID } from 'node:crypto';
import { Topics } from '@orgpulse/contracts';
import { Kafka, type Producer, logLevel } from 'kafkajs';

export type PoisonKind =
  | 'year-0000'
  | 'year-above-9999'
  | 'nul-char'
  | 'unpaired-surrogate'
  | 'not-json'
  | 'schema'
  | 'unknown-type'
  | 'no-org';

export interface PoisonRecord {
  kind: PoisonKind;
  /** Unique in the scenario; also sent as the `fault-poison` header. */
  label: string;
  key: string;
  /** The record's exact bytes: escapes such as \ud800 are written as text, never re-encoded. */
  value: Buffer | null;
}

export interface ProducedPoison extends PoisonRecord {
  partition: number;
  offset: string;
}

/**
 * Raw JSON of an accepted event with `fields` spliced in as written (each a `"name":value` text),
 * replacing the defaults of the same name.
 */
function rawEvent(orgId: string | undefined, id: string, fields: Record<string, string> = {}): Buffer {
  const defaults: Record<string, string> = {
    id: JSON.stringify(id),
    type: '"team.blocked"',
    occurredAt: JSON.stringify(new Date(Date.now() - 3_600_000).toISOString()),
    source: '"fault-suite"',
    data: '{"teamId":"team-1","reason":"dependency"}',
    version: '1',
    ...(orgId === undefined ? {} : { orgId: JSON.stringify(orgId) }),
    ingestedAt: JSON.stringify(new Date().toISOString()),
  };
  const merged = { ...defaults, ...fields };
  const text = `{${Object.entries(merged)
    .map(([name, value]) => `"${name}":${value}`)
    .join(',')}}`;
  return Buffer.from(text, 'utf8');
}

/** Every kind of record the projector must dead-letter (not store, not stall on), for the org `orgId`. */
export function poisonRecords(orgId: string, round: number): PoisonRecord[] {
  const id = (label: string) => `poison-${round}-${label}`;
  const record = (kind: PoisonKind, label: string, value: Buffer | null): PoisonRecord => ({
    kind,
    label: `${round}:${label}`,
    key: `${orgId}/team:team-${label.length % 8}-${round}`,
    value,
  });
  return [
    record('year-0000', 'year-0000', rawEvent(orgId, id('y0'), { occurredAt: '"0000-06-01T00:00:00Z"' })),
    record(
      'year-above-9999',
      'year-10000',
      rawEvent(orgId, id('y10k'), { occurredAt: '"10000-06-01T00:00:00Z"' }),
    ),
    record('nul-char', 'nul-in-id', rawEvent(orgId, '', { id: `"${id('nul')}\\u0000"` })),
    record('nul-char', 'nul-in-source', rawEvent(orgId, id('nul-src'), { source: '"jira\\u0000"' })),
    record(
      'nul-char',
      'nul-in-data',
      rawEvent(orgId, id('nul-data'), {
        data: '{"teamId":"team-1","reason":"dependency","note":"a\\u0000b"}',
      }),
    ),
    record(
      'unpaired-surrogate',
      'lone-high-surrogate',
      rawEvent(orgId, id('sur-hi'), { data: '{"teamId":"team-1","reason":"dependency","note":"x\\ud800y"}' }),
    ),
    record(
      'unpaired-surrogate',
      'lone-low-surrogate',
      rawEvent(orgId, id('sur-lo'), { source: '"\\udc00"' }),
    ),
    record('not-json', 'truncated-json', Buffer.from(`{"id":"${id('trunc')}","type":"team.blo`)),
    record('not-json', 'binary', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b])),
    record('not-json', 'no-value', null),
    record(
      'schema',
      'bad-reason',
      rawEvent(orgId, id('schema'), { data: '{"teamId":"team-1","reason":"because"}' }),
    ),
    record('schema', 'no-data', rawEvent(orgId, id('no-data'), { data: 'null' })),
    record('unknown-type', 'unknown-type', rawEvent(orgId, id('type'), { type: '"team.teleported"' })),
    record('no-org', 'no-org', rawEvent(undefined, id('no-org'))),
    record('no-org', 'org-not-uuid', rawEvent(orgId, id('org-text'), { orgId: '"acme"' })),
  ];
}

/** Produces records straight to the events topic, one send each, so each one's offset is known. */
export class PoisonProducer {
  readonly produced: ProducedPoison[] = [];
  private constructor(private readonly producer: Producer) {}

  static async connect(brokers: string): Promise<PoisonProducer> {
    const producer = new Kafka({
      clientId: `orgpulse-fault-${randomUUID()}`,
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
    }).producer();
    await producer.connect();
    return new PoisonProducer(producer);
  }

  async produce(records: readonly PoisonRecord[]): Promise<void> {
    for (const record of records) {
      const [meta] = await this.producer.send({
        topic: Topics.events,
        acks: -1,
        messages: [{ key: record.key, value: record.value, headers: { 'fault-poison': record.label } }],
      });
      this.produced.push({ ...record, partition: meta.partition, offset: meta.baseOffset ?? '-1' });
    }
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
