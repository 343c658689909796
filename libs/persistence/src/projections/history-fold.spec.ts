import { type AcceptedEvent, subjectOf } from '@orgpulse/contracts';
import { READ_MODELS } from '@orgpulse/domain';
import type { StoredEvent } from '../event-store/event-store.repository';
import { HistoryFold } from './history-fold';
import type { Writes } from './projection-engine';

const ORG = '00000000-0000-4000-8000-000000000001';
const BASE = Date.parse('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;
const WEEKS = 200;

const event = (id: string, type: AcceptedEvent['type'], at: number, data: object): AcceptedEvent =>
  ({
    id,
    type,
    version: 1,
    orgId: ORG,
    occurredAt: new Date(at).toISOString(),
    ingestedAt: '',
    data,
  }) as AcceptedEvent;

/** The store's order: a team with 5 facts a week for 200 weeks, a manager with 1:1s, a person. */
function history(): StoredEvent[] {
  const events: AcceptedEvent[] = [
    event('reg', 'team.registered', BASE, { teamId: 'alpha', name: 'Alpha', headcount: 4, groupId: 'g1' }),
  ];
  for (let w = 0; w < WEEKS; w++)
    for (let i = 0; i < 5; i++) {
      const at = BASE + (w * 7 * 24 + i * 20 + 1) * HOUR;
      const kind = (w + i) % 4;
      events.push(
        kind === 0
          ? event(`t${w}-${i}`, 'team.blocked', at, {
              teamId: 'alpha',
              reason: 'dependency',
              blockedBy: 'beta',
            })
          : kind === 1
            ? event(`t${w}-${i}`, 'team.unblocked', at, { teamId: 'alpha' })
            : event(`t${w}-${i}`, 'delivery.shipped', at, { teamId: 'alpha' }),
      );
      events.push(
        event(`m${w}-${i}`, 'one-on-one.held', at, {
          managerId: 'mia',
          reportId: `p${i}`,
          ratings: [{ competency: 'delivery', level: 1 + ((w + i) % 5) }],
        }),
      );
    }
  events.push(event('p', 'person.registered', BASE, { personId: 'ana', role: 'engineer', managerId: 'mia' }));
  const stored = events.map((e, position) => ({ position: position + 1, subject: subjectOf(e), event: e }));
  return stored.sort((a, b) =>
    a.subject < b.subject
      ? -1
      : a.subject > b.subject
        ? 1
        : Date.parse(a.event.occurredAt) - Date.parse(b.event.occurredAt) || a.position - b.position,
  );
}

/** Everything the fold wrote, page by page, in order (totals summed per model and day). */
function foldInPages(events: StoredEvent[], pageSize: number) {
  const fold = new HistoryFold(READ_MODELS);
  const rows: Record<
    string,
    { heads: unknown[]; weeks: unknown[]; links: unknown[]; totals: Map<string, string[]> }
  > = {};
  const collect = (out: Map<string, Writes>) => {
    for (const [name, writes] of out) {
      const model = (rows[name] ??= { heads: [], weeks: [], links: [], totals: new Map() });
      model.heads.push(...writes.heads);
      model.weeks.push(...writes.appended);
      model.links.push(...writes.links);
      for (const [key, row] of writes.totals) {
        const sum = (model.totals.get(key) ?? row.values.map(() => '0')).map((v, i) =>
          String(BigInt(v) + row.values[i]),
        );
        model.totals.set(key, sum);
      }
    }
  };
  for (let i = 0; i < events.length; i += pageSize) collect(fold.add(events.slice(i, i + pageSize)));
  collect(fold.finish());
  return { rows, subjects: fold.subjects, peakHeldFacts: fold.peakHeldFacts };
}

describe('a rebuild fold carried across pages', () => {
  const events = history();

  it('writes the same rows whatever the page size, a subject split over many pages or read whole', () => {
    const whole = foldInPages(events, events.length);
    expect(whole.subjects).toBe(3);
    expect(whole.rows.team.weeks).toHaveLength(WEEKS);
    expect(whole.rows.manager.weeks).toHaveLength(WEEKS);
    for (const pageSize of [1, 7, 64])
      expect(foldInPages(events, pageSize)).toMatchObject({ rows: whole.rows, subjects: 3 });
  });

  it('holds one open week of facts per model, not a subject history (2,000 1:1s, 1,000 team facts)', () => {
    // the manager's open week for two models (manager, rating): 5 + 5 facts, whatever the page size
    for (const pageSize of [7, 5_000])
      expect(foldInPages(events, pageSize).peakHeldFacts).toBeLessThanOrEqual(10);
  });
});
