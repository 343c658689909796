import fc from 'fast-check';
import type { AcceptedEvent } from '@orgpulse/contracts';
import { deliveryCadence, discoveryCadence } from '../metrics/cadence';
import { idleness } from '../metrics/idleness';
import { ev } from '../metrics/metrics.test-support';
import { DAY_MS, HOUR_MS } from '../time/window';
import { teamFactsOf } from './team-facts';
import { type TeamHead, emptyTeamHead, evolveTeamHead } from './team-head';
import { buildTeamTimeline } from './team-timeline';
import { integrateLevel, teamDayTotals } from './team-totals';

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
  // often exactly at a midnight: where counts at a midnight t must include the events at t
  minutes: fc.oneof(
    fc.integer({ min: 0, max: 10 * 24 * 60 }),
    fc.integer({ min: 0, max: 10 }).map((day) => day * 24 * 60),
  ),
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
  it('given any history split anywhere, when its day sums are integrated over whole days, then they equal the timeline figures', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 1, max: 11 }),
        (raw, cut, fromDay, length) => {
          const events = raw.map(toEvent).sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
          const facts = teamFactsOf(events);
          const split = facts.length === 0 ? 0 : cut % (facts.length + 1);
          const head: TeamHead = facts.slice(0, split).reduce(evolveTeamHead, emptyTeamHead('t'));
          const sums = new Map<number, bigint[]>();
          for (const part of [
            teamDayTotals(emptyTeamHead('t'), facts.slice(0, split)),
            teamDayTotals(head, facts.slice(split)),
          ])
            for (const [day, row] of part)
              sums.set(
                day,
                (sums.get(day) ?? row.map(() => 0n)).map((v, i) => v + row[i]),
              );
          const window = { from: T0 + fromDay * DAY_MS, to: T0 + (fromDay + length) * DAY_MS };
          const add = (filter: (day: number) => boolean, column: number) =>
            [...sums].filter(([day]) => filter(day)).reduce((total, [, row]) => total + row[column], 0n);
          const before = (c: number) => add((day) => day < window.from, c);
          const within = (c: number) => add((day) => day >= window.from && day < window.to, c);
          const timeline = buildTeamTimeline('t', events);
          // open intervals end at the window's end: "now" is its end
          const idle = idleness(timeline, window, window.to);
          const discovery = discoveryCadence(timeline.interviews, 1, window, timeline.trioInterviews);
          expect(Number(integrateLevel(window, before(0), within(0), within(1))) / HOUR_MS).toBeCloseTo(
            idle.blockedHours,
            9,
          );
          expect(Number(integrateLevel(window, before(2), within(2), within(3))) / DAY_MS).toBeCloseTo(
            idle.idlePersonDays,
            9,
          );
          expect(Number(within(4))).toBe(discovery.interviews);
          expect(Number(within(5))).toBe(discovery.trioInterviews);
          expect(Number(within(6))).toBe(deliveryCadence(timeline.ships, window).ships);
          // counts at a midnight t: every change at or before t (an event at t included) lies in days before t
          const atT = facts.filter((f) => f.at <= window.from).reduce(evolveTeamHead, emptyTeamHead('t'));
          expect(Number(before(7))).toBe(atT.registered ? 1 : 0);
          expect(Number(before(8))).toBe(atT.registered && atT.block !== null ? 1 : 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
