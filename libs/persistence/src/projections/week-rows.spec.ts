import { type Fact, isoWeekStart } from '@orgpulse/domain';
import { ROW_FACTS, rowsOf } from './week-rows';

const MONDAY = Date.parse('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const fact = (at: number, position = at): Fact<null> => ({ at, position, data: null });
/** `n` facts a second apart from `from` */
const facts = (from: number, n: number) => Array.from({ length: n }, (_, i) => fact(from + i * 1_000));
const shape = (rows: { week: number; facts: Fact<null>[] }[]) =>
  rows.map((r) => ({ week: r.week, facts: r.facts.length }));

describe('the rows facts are stored in: a week, or part of a busy one', () => {
  it.each([
    {
      given: 'no row yet',
      open: undefined,
      when: [...facts(MONDAY + HOUR, 2), ...facts(MONDAY + WEEK + HOUR, 1)],
      then: [
        { week: MONDAY, facts: 2 },
        { week: MONDAY + WEEK, facts: 1 },
      ],
    },
    {
      given: 'an open row with room for one',
      open: { week: MONDAY, facts: ROW_FACTS - 1, lastAt: MONDAY + HOUR },
      when: facts(MONDAY + 2 * HOUR, 3),
      then: [
        { week: MONDAY, facts: 1 },
        { week: MONDAY + 2 * HOUR + 1_000, facts: 2 },
      ],
    },
    {
      given: 'a full open row, and facts at its latest time',
      open: { week: MONDAY, facts: ROW_FACTS, lastAt: MONDAY + HOUR },
      when: [fact(MONDAY + HOUR, 1), fact(MONDAY + HOUR, 2), fact(MONDAY + 2 * HOUR)],
      then: [
        { week: MONDAY, facts: 2 },
        { week: MONDAY + 2 * HOUR, facts: 1 },
      ],
    },
    {
      given: 'a full open row, and a fact the week after',
      open: { week: MONDAY + 3 * HOUR, facts: ROW_FACTS, lastAt: MONDAY + 4 * HOUR },
      when: [fact(MONDAY + WEEK)],
      then: [
        { week: MONDAY + 3 * HOUR, facts: 0 },
        { week: MONDAY + WEEK, facts: 1 },
      ],
    },
    {
      given: 'no row yet, and a busy week',
      open: undefined,
      when: facts(MONDAY + HOUR, 3 * ROW_FACTS + 8),
      then: [
        { week: MONDAY, facts: ROW_FACTS },
        { week: MONDAY + HOUR + ROW_FACTS * 1_000, facts: ROW_FACTS },
        { week: MONDAY + HOUR + 2 * ROW_FACTS * 1_000, facts: ROW_FACTS },
        { week: MONDAY + HOUR + 3 * ROW_FACTS * 1_000, facts: 8 },
      ],
    },
  ])('given $given, when facts come, then they go to these rows', ({ open, when, then }) => {
    expect(shape(rowsOf(when, open))).toEqual(then);
  });

  it('starts each row after every fact of the row before, and within the week of its facts', () => {
    const busy = [
      ...facts(MONDAY + HOUR, 100),
      ...Array.from({ length: 100 }, (_, i) => fact(MONDAY + 2 * HOUR, i)),
    ];
    const rows = rowsOf(busy, undefined);
    rows.forEach((row, i) => {
      if (i > 0) expect(row.week).toBeGreaterThan(Math.max(...rows[i - 1].facts.map((f) => f.at)));
      for (const f of row.facts) expect(isoWeekStart(f.at)).toBe(isoWeekStart(row.week));
    });
    // the 100 facts at one time stay in one row, past the limit
    const together = rows.filter((r) => r.facts.some((f) => f.at === MONDAY + 2 * HOUR));
    expect(together).toHaveLength(1);
    expect(together[0].facts.length).toBeGreaterThan(ROW_FACTS);
  });
});
