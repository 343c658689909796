import fc from 'fast-check';
import { DAY_MS, isoWeekStart } from './window';

/** What isoWeekStart computed with a Date per call before: the calendar's own answer. */
const byCalendar = (at: number): number => {
  const date = new Date(at);
  const daysSinceMonday = (date.getUTCDay() + 6) % 7;
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) - daysSinceMonday * DAY_MS;
};

describe('isoWeekStart', () => {
  it.each([
    ['a Monday at midnight is its own week', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z'],
    ['the last millisecond of a Sunday', '2026-01-11T23:59:59.999Z', '2026-01-05T00:00:00.000Z'],
    ['a week across a year end', '2027-01-01T12:00:00.000Z', '2026-12-28T00:00:00.000Z'],
    ['before 1970', '1969-12-31T00:00:00.000Z', '1969-12-29T00:00:00.000Z'],
  ])('%s', (_, at, monday) => {
    expect(new Date(isoWeekStart(Date.parse(at))).toISOString()).toBe(monday);
  });

  it('is the Monday the calendar gives, for any time', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }), (at) => {
        expect(isoWeekStart(at)).toBe(byCalendar(at));
      }),
      { numRuns: 5_000 },
    );
  });
});
