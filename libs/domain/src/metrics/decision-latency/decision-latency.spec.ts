import { type Fact, factsOf, foldFacts } from '../../projections/read-model';
import { at, day, ev } from '../metrics.test-support';
import {
  type Decision,
  type DecisionHead,
  decisionLatency,
  decisionLatencyMetric,
} from './decision-latency.metric';

const { readModel } = decisionLatencyMetric;
const decided = (occurredAt: string, requestedAt: string) =>
  ev('decision.made', occurredAt, { teamId: 'alpha', requestedAt });
const facts = (...events: ReturnType<typeof ev>[]) =>
  factsOf(
    readModel,
    events.map((event, position) => ({ event, position })),
  ) as Fact<Decision>[];
const week = { from: at(day(0)), to: at(day(7)) };

describe('decision latency (given decisions, when a window is asked, then)', () => {
  it.each([
    ['no decisions', [], { decisions: 0, medianHours: null, p90Hours: null, longestHours: null }],
    [
      'one decision after a day',
      [decided(day(1), day(0))],
      { decisions: 1, medianHours: 24, p90Hours: 24, longestHours: 24 },
    ],
    [
      'the median by nearest rank, the 90th percentile and the longest',
      [decided(day(1), day(0)), decided(day(2, 6), day(2)), decided(day(6), day(1)), decided(day(3), day(3))],
      { decisions: 4, medianHours: 6, p90Hours: 120, longestHours: 120 },
    ],
    [
      'only decisions made in the window count, however long they were requested before it',
      [decided(day(-1), day(-3)), decided(day(2), day(-20)), decided(day(7), day(6))],
      { decisions: 1, medianHours: 22 * 24, p90Hours: 22 * 24, longestHours: 22 * 24 },
    ],
    [
      'a decision said to be made before it was requested waited nothing',
      [decided(day(1), day(2))],
      { decisions: 1, medianHours: 0, p90Hours: 0, longestHours: 0 },
    ],
    [
      'offsets and fractions: the wait is between instants',
      [decided('2026-01-06T10:30:00.5+02:00', '2026-01-06T07:00:00.5Z')],
      { decisions: 1, medianHours: 1.5, p90Hours: 1.5, longestHours: 1.5 },
    ],
  ])('%s', (_, events, expected) => expect(decisionLatency(facts(...events), week)).toEqual(expected));

  it('keeps nothing of other events', () =>
    expect(facts(ev('delivery.shipped', day(1), { teamId: 'alpha' }))).toEqual([]));

  it('the head keeps the latest decision, whatever the order they arrive in', () => {
    const late = facts(decided(day(3), day(0)), decided(day(1), day(0)));
    const head = foldFacts(readModel, readModel.initial('alpha'), late) as DecisionHead;
    expect(head).toEqual({ lastDecidedAt: at(day(3)) });
  });
});
