import type { IHeaders, KafkaMessage } from 'kafkajs';
import { toEventRecord } from '@orgpulse/messaging';
import { toItem } from './batch-items';

const orgId = '9b2f7c1e-1d2a-4c3b-9a8e-0f1e2d3c4b5a';
// a schema failure the event store would still take: only validation keeps it out
const event = {
  id: 'evt-1',
  type: 'team.registered' as const,
  occurredAt: '2026-11-20T09:00:00Z',
  data: { teamId: 'payments', name: 'Payments', headcount: -5 },
};

const messageOf = (headers: IHeaders): KafkaMessage => {
  const record = toEventRecord(orgId, event, new Date('2026-11-20T09:00:01Z'));
  return {
    offset: '7',
    key: Buffer.from(String(record.key)),
    value: Buffer.from(String(record.value)),
    timestamp: '1',
    attributes: 0,
    headers,
  };
};

describe('toItem', () => {
  it('trusts a record ingest marked as validated with these rules', () => {
    const { headers = {} } = toEventRecord(orgId, event, new Date());
    const received = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(String(v))]));
    expect(toItem(messageOf(received))).toMatchObject({
      offset: '7',
      record: { subject: 'team:payments', event: { id: 'evt-1', orgId } },
    });
  });

  it.each<[string, IHeaders]>([
    ['no mark', {}],
    ['the mark of other rules', { 'orgpulse-validated': Buffer.from('event-v1-rules-0') }],
    ['the mark twice', { 'orgpulse-validated': [Buffer.from('event-v1-rules-1'), Buffer.from('x')] }],
  ])('validates a record with %s again, and sets it aside for the dead-letter topic', (_given, headers) => {
    expect(toItem(messageOf(headers))).toMatchObject({
      offset: '7',
      letter: { error: expect.stringMatching(/^data\.headcount must be >= 0/) },
    });
  });
});
