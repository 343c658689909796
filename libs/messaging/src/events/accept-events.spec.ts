import { type ValidationResult, parseAcceptedEvent } from '@orgpulse/contracts';
import type { Message } from 'kafkajs';
import { AcceptEvents, EventLogUnavailableError } from './accept-events';

const ORG = '4b0e8d2c-1f3a-4c5d-8e6f-7a8b9c0d1e2f';
const NOW = new Date('2026-12-04T10:00:00.000Z');
const event = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  type: 'team.blocked',
  occurredAt: '2026-12-04T09:00:00.000Z',
  source: 'spec',
  data: { teamId: 'team-1', reason: 'dependency' },
  ...overrides,
});

function accepting(publish: (records: Message[]) => Promise<void> = () => Promise.resolve()) {
  const sent: Message[][] = [];
  const acceptor = new AcceptEvents(
    {
      publish: async (records: Message[]) => {
        sent.push(records);
        await publish(records);
      },
    },
    () => NOW,
  );
  return { acceptor, sent };
}

describe('AcceptEvents', () => {
  it('given valid events: publishes each as an accepted record of the org, stamped now, in one publish', async () => {
    const { acceptor, sent } = accepting();
    await expect(acceptor.accept(ORG, [event('a'), event('b')])).resolves.toEqual({ ok: true, accepted: 2 });
    expect(sent).toHaveLength(1);
    const records = sent[0].map((m) => parseAcceptedEvent(String(m.value)));
    expect(records.map((r) => (r.ok ? [r.event.id, r.event.orgId, r.event.ingestedAt] : r.error))).toEqual([
      ['a', ORG, NOW.toISOString()],
      ['b', ORG, NOW.toISOString()],
    ]);
  });

  it('given one invalid event among valid ones: publishes nothing and says which, where', async () => {
    const { acceptor, sent } = accepting();
    const result = await acceptor.accept(ORG, [event('a'), event('b', { type: 'team.exploded' })]);
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ index: 1, id: 'b', path: expect.stringContaining('type') })],
    });
    expect(sent).toEqual([]);
  });

  it("given a transport's own validation: uses it, with the same clock", async () => {
    const { acceptor, sent } = accepting();
    const seen: Date[] = [];
    const own = (now: Date): ValidationResult => {
      seen.push(now);
      return { ok: true, events: [event('c') as never] };
    };
    await expect(acceptor.accept(ORG, own)).resolves.toEqual({ ok: true, accepted: 1 });
    expect(seen).toEqual([NOW]);
    expect(sent[0]).toHaveLength(1);
  });

  it('given Kafka refuses: throws EventLogUnavailableError carrying the cause', async () => {
    const refusal = new Error('broker away');
    const { acceptor } = accepting(() => Promise.reject(refusal));
    const accepting_ = acceptor.accept(ORG, [event('a')]);
    await expect(accepting_).rejects.toBeInstanceOf(EventLogUnavailableError);
    await expect(accepting_).rejects.toMatchObject({ cause: refusal });
  });
});
