import { completeWeeks, isoWeekStart } from '../time/window';
import fc from 'fast-check';
import { deliveryCadence, discoveryCadence, interviewsPerWeek } from './cadence';
import { at, day } from './metrics.test-support';

const w = (from: string, to: string) => ({ from: at(from), to: at(to) });

describe('ISO weeks (UTC)', () => {
  it.each([
    ['a Monday', '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z'],
    ['a Sunday night', '2026-01-11T23:59:59Z', '2026-01-05T00:00:00Z'],
    [
      'across a year boundary (Thu 2026-01-01 is in the week of Mon 2025-12-29)',
      '2026-01-01T12:00:00Z',
      '2025-12-29T00:00:00Z',
    ],
    ['an offset timestamp is read in UTC', '2026-01-05T00:30:00+02:00', '2025-12-29T00:00:00Z'],
  ])('%s', (_case, t, monday) => expect(isoWeekStart(at(t))).toBe(at(monday)));

  it('complete weeks inside a window', () => {
    expect(completeWeeks(w('2025-12-24T00:00:00Z', '2026-01-12T00:00:00Z'))).toEqual([
      at('2025-12-29T00:00:00Z'),
      at('2026-01-05T00:00:00Z'),
    ]);
    expect(completeWeeks(w('2026-01-06T00:00:00Z', '2026-01-12T00:00:00Z'))).toEqual([]);
  });
});

describe('discovery cadence: given interviews, when measured, then', () => {
  // day(0) = Monday 2026-01-05
  const interviews = [day(1), day(2), day(8), day(15), day(16), day(29)].map(at);

  it.each<[string, number[], number, { from: number; to: number }, object]>([
    [
      'weekly target 1 over four complete weeks',
      interviews,
      1,
      w(day(0), day(28)),
      { interviews: 5, weeksInWindow: 4, weeksMeetingTarget: 3, adherence: 0.75, currentStreakWeeks: 0 },
    ],
    [
      'target 2: only weeks with two',
      interviews,
      2,
      w(day(0), day(28)),
      { weeksMeetingTarget: 2, adherence: 0.5 },
    ],
    [
      'streak counted back from the last complete week before `to`, not limited by `from`',
      interviews,
      1,
      w(day(20), day(21)),
      { weeksInWindow: 0, adherence: 0, currentStreakWeeks: 3 },
    ],
    [
      'a partial current week does not count yet',
      interviews,
      1,
      w(day(0), day(31)),
      { currentStreakWeeks: 0, weeksInWindow: 4 },
    ],
    [
      'no interviews',
      [],
      1,
      w(day(0), day(28)),
      {
        interviews: 0,
        weeksMeetingTarget: 0,
        currentStreakWeeks: 0,
        lastInterviewAt: null,
        daysSinceLast: null,
      },
    ],
    [
      'last interview strictly before `to`, days since measured to `to`',
      interviews,
      1,
      w(day(0), day(16)),
      { lastInterviewAt: at(day(15)), daysSinceLast: 1 },
    ],
    [
      'an interview exactly at `to` is outside',
      interviews,
      1,
      w(day(0), day(15)),
      { interviews: 3, lastInterviewAt: at(day(8)) },
    ],
  ])('%s', (_case, times, target, window, expected) => {
    expect(discoveryCadence(times, target, window)).toMatchObject(expected);
  });

  it('across a year boundary', () => {
    const times = ['2025-12-30T10:00:00Z', '2026-01-06T10:00:00Z'].map(at);
    expect(discoveryCadence(times, 1, w('2025-12-29T00:00:00Z', '2026-01-12T00:00:00Z'))).toMatchObject({
      weeksInWindow: 2,
      weeksMeetingTarget: 2,
      currentStreakWeeks: 2,
    });
  });
});

describe('delivery cadence', () => {
  it.each([
    [
      'ships in the window, last before `to`',
      [day(1), day(3), day(9)],
      w(day(0), day(5)),
      { ships: 2, lastShippedAt: at(day(3)), daysSinceLast: 2 },
    ],
    ['no ships', [], w(day(0), day(5)), { ships: 0, lastShippedAt: null, daysSinceLast: null }],
    [
      'a late ship before the window still is the last',
      [day(-3)],
      w(day(0), day(2)),
      { ships: 0, lastShippedAt: at(day(-3)), daysSinceLast: 5 },
    ],
  ])('%s', (_case, ships, window, expected) =>
    expect(deliveryCadence(ships.map(at), window)).toEqual(expected),
  );
});

describe('product-trio interviews (contract §8)', () => {
  const t = (iso: string) => Date.parse(iso);
  const window = { from: t('2026-01-05T00:00:00Z'), to: t('2026-01-19T00:00:00Z') };
  it.each<[string, string[], string[], { trioInterviews: number; trioShare: number | null }]>([
    ['no interviews: no share', [], [], { trioInterviews: 0, trioShare: null }],
    [
      'one of four held by the trio',
      ['2026-01-05T10:00:00Z', '2026-01-06T10:00:00Z', '2026-01-12T10:00:00Z', '2026-01-13T10:00:00Z'],
      ['2026-01-06T10:00:00Z'],
      { trioInterviews: 1, trioShare: 0.25 },
    ],
    [
      'trio interviews outside the window do not count',
      ['2026-01-05T10:00:00Z', '2026-01-20T10:00:00Z'],
      ['2026-01-20T10:00:00Z'],
      { trioInterviews: 0, trioShare: 0 },
    ],
  ])('given %s', (_given, interviews, trio, expected) => {
    expect(discoveryCadence(interviews.map(t), 1, window, trio.map(t))).toMatchObject(expected);
  });
});

describe('interviews per week kept by the caller', () => {
  it('given any interviews, target and window, then the cadence is the one counted afresh', () => {
    const DAY = 86_400_000;
    const base = at(day(0));
    const time = fc.integer({ min: base - 200 * DAY, max: base + 200 * DAY });
    fc.assert(
      fc.property(
        fc.array(time, { maxLength: 60 }),
        fc.integer({ min: 1, max: 3 }),
        time,
        fc.integer({ min: 0, max: 120 * DAY }),
        (interviews, target, from, length) => {
          const kept = interviewsPerWeek(interviews);
          // the same interviews asked of other windows, as requests of a shared timeline do
          for (const shift of [0, 7 * DAY, -30 * DAY]) {
            const window = { from: from + shift, to: from + shift + length };
            expect(discoveryCadence(interviews, target, window, [], kept)).toEqual(
              discoveryCadence(interviews, target, window),
            );
          }
        },
      ),
    );
  });
});
