import fc from 'fast-check';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { deliveryCadence, discoveryCadence } from '../metrics/cadence';
import { idleness } from '../metrics/idleness';
import { ev } from '../metrics/metrics.test-support';
import { DAY_MS, HOUR_MS } from '../time/window';
import { teamFactsOf } from './team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from './team-head';
import { buildTeamTimeline } from './team-timeline';
import { teamDayTotals } from './team-totals';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const kinds = [
  'team.registered',
  'team.blocked',
  'team.unblocked',
  'discovery.interview-held',
  'delivery.shipped',
  'team.archived',
] as const;
const eventArb = fc.record({
  kind: fc.constantFrom(...kinds),
  minutes: fc.integer({ min: 0, max: 10 * 24 * 60 }),
  headcount: fc.integer({ min: 0, max: 12 }),
  trio: fc.boolean(),
});
const toEvent = (e: typeof eventArb extends fc.Arbitrary<infer E> ? E : never): AcceptedEvent =>
  ev(e.kind, new Date(T0 + e.minutes * 60_000).toISOString(), {
    teamId: 't',
    name: 'T',
    headcount: e.headcount,
    reason: 'other',
    participantRoles: e.trio ? ['pm', 'designer', 'engineer'] : ['pm'],
  });

describe('team day totals: what the org-wide sums add up', () => {
  it('given any history split anywhere, when the spans are summed per day, then each day equals the timeline figures of that day', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), fc.nat(), (raw, cut) => {
        const events = raw.map(toEvent).sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
        const facts = teamFactsOf(events);
        const end = T0 + 11 * DAY_MS;
        const split = facts.length === 0 ? 0 : cut % (facts.length + 1);
        const splitAt = split < facts.length ? facts[split].at : end;
        const head: TeamHead = facts.slice(0, split).reduce(evolveTeamHead, emptyTeamHead('t'));
        const sums = new Map<number, number[]>();
        for (const part of [
          teamDayTotals(emptyTeamHead('t'), facts.slice(0, split), T0, splitAt),
          teamDayTotals(head, facts.slice(split), splitAt, end),
        ])
          for (const [day, row] of part)
            sums.set(
              day,
              (sums.get(day) ?? [0, 0, 0, 0, 0]).map((v, i) => v + row[i]),
            );
        const timeline = buildTeamTimeline('t', events);
        for (let day = T0; day < end; day += DAY_MS) {
          const window = { from: day, to: day + DAY_MS };
          const idle = idleness(timeline, window, end);
          const discovery = discoveryCadence(timeline.interviews, 1, window, timeline.trioInterviews);
          const [blocked, personMs, interviews, trio, ships] = sums.get(day) ?? [0, 0, 0, 0, 0];
          expect(blocked / HOUR_MS).toBeCloseTo(idle.blockedHours, 9);
          expect(personMs / DAY_MS).toBeCloseTo(idle.idlePersonDays, 9);
          expect(interviews).toBe(discovery.interviews);
          expect(trio).toBe(discovery.trioInterviews);
          expect(ships).toBe(deliveryCadence(timeline.ships, window).ships);
        }
      }),
      { numRuns: 300 },
    );
  });
});
