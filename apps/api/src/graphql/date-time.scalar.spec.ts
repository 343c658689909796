import { DateTime } from './date-time.scalar';

describe('DateTime serialises every instant in UTC with milliseconds', () => {
  it.each<[string, unknown, string]>([
    ['a Date', new Date(Date.UTC(2026, 0, 5, 9)), '2026-01-05T09:00:00.000Z'],
    ['a timestamp with an offset', '2026-01-05T10:00:00+01:00', '2026-01-05T09:00:00.000Z'],
    ['the first instant of year 1', new Date('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z'],
  ])('%s', (_case, value, expected) => {
    expect(DateTime.serialize(value)).toBe(expected);
  });

  it.each<[string, unknown]>([
    ['an invalid date', new Date(Number.NaN)],
    ['a string that is no date', 'soon'],
    ['a number', 0],
  ])('refuses %s', (_case, value) => {
    expect(() => DateTime.serialize(value)).toThrow('DateTime cannot represent');
  });

  it('stays right past the instants it keeps (each of 10,000, twice)', () => {
    const start = Date.UTC(2025, 0, 1);
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 10_000; i++) {
        const ms = start + i * 3_600_001;
        expect(DateTime.serialize(new Date(ms))).toBe(new Date(ms).toISOString());
      }
  });
});
