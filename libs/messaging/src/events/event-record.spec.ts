import { type EventEnvelope, parseAcceptedEvent } from '@orgpulse/contracts';
import { toEventRecord } from './event-record';

const orgId = '9b2f7c1e-1d2a-4c3b-9a8e-0f1e2d3c4b5a';
const ingestedAt = new Date('2026-11-21T12:00:00.000Z');
const events: EventEnvelope[] = [
  {
    id: 'evt-1',
    type: 'team.blocked',
    occurredAt: '2026-11-20T09:00:00Z',
    data: { teamId: 'payments', reason: 'dependency', note: 'waits on "core" \u2028 é' },
  },
  {
    id: 'ce-1',
    type: 'delivery.shipped',
    occurredAt: '2026-11-20T09:00:00+01:00',
    source: 'https://ci.example/x',
    idScope: 'source',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    data: { teamId: 'payments' },
  },
];

describe('toEventRecord', () => {
  it.each(events)('writes the event with its version, org and ingest time ($id)', (event) => {
    const record = toEventRecord(orgId, event, ingestedAt);
    const accepted = { ...event, version: 1, orgId, ingestedAt: ingestedAt.toISOString() };
    expect(JSON.parse(String(record.value))).toEqual(accepted);
    expect(parseAcceptedEvent(record.value as string, true)).toEqual({ ok: true, event: accepted });
    expect(record.key).toBe(`${orgId}/team:payments`);
    expect(record.headers).toEqual({ 'orgpulse-validated': 'event-v1-rules-1' });
  });
});
