import {
  TIMESTAMP_FORMAT_MESSAGE,
  TIMESTAMP_OFFSET_MESSAGE,
  TIMESTAMP_YEAR_MESSAGE,
  parseTimestamp,
} from './event-timestamp';

describe('parseTimestamp', () => {
  it.each<[string, string, number]>([
    ['a UTC time', '2026-11-20T09:00:00Z', Date.parse('2026-11-20T09:00:00Z')],
    ['an offset', '2026-11-20T09:00:00+01:00', Date.parse('2026-11-20T08:00:00Z')],
    ['lower-case t and z', '2026-11-20t09:00:00.5z', Date.parse('2026-11-20T09:00:00.500Z')],
    ['nanoseconds', '2026-11-20T09:00:00.123456789Z', Date.parse('2026-11-20T09:00:00.123Z')],
    ['the first instant PostgreSQL-safe', '0001-01-01T00:00:00Z', -62135596800000],
    ['the last second of 9999', '9999-12-31T23:59:59.999999Z', 253402300799999],
    ['offset +15:59', '2026-01-01T00:00:00+15:59', Date.parse('2025-12-31T08:01:00Z')],
    ['a leap day', '2028-02-29T00:00:00Z', Date.parse('2028-02-29T00:00:00Z')],
  ])('given %s (%j), it reads the instant', (_given, text, ms) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, ms });
  });

  it.each<[string, string, string]>([
    ['year 0000', '0000-06-01T00:00:00Z', TIMESTAMP_YEAR_MESSAGE],
    ['year 0000 that is 0001 in UTC', '0000-12-31T23:30:00-01:00', TIMESTAMP_YEAR_MESSAGE],
    ['year 0001 that is 1 BC in UTC', '0001-01-01T00:30:00+01:00', TIMESTAMP_YEAR_MESSAGE],
    ['year 9999 that is 10000 in UTC', '9999-12-31T23:30:00-01:00', TIMESTAMP_YEAR_MESSAGE],
    ['nanoseconds that round into 10000', '9999-12-31T23:59:59.9999995Z', TIMESTAMP_YEAR_MESSAGE],
    ['a 5-digit year', '10000-01-01T00:00:00Z', TIMESTAMP_FORMAT_MESSAGE],
    ['an expanded year', '+010000-01-01T00:00:00Z', TIMESTAMP_FORMAT_MESSAGE],
    ['no offset', '2026-11-20T09:00:00', TIMESTAMP_FORMAT_MESSAGE],
    ['offset +16:00', '2026-01-01T00:00:00+16:00', TIMESTAMP_OFFSET_MESSAGE],
    ['offset -23:59', '2026-01-01T00:00:00-23:59', TIMESTAMP_OFFSET_MESSAGE],
    ['offset minutes 60', '2026-01-01T00:00:00+01:60', 'is not a valid date and time'],
    ['February 30', '2026-02-30T09:00:00Z', 'is not a valid date and time'],
    ['hour 24', '2026-02-03T24:00:00Z', 'is not a valid date and time'],
    ['a leap second', '2026-12-31T23:59:60Z', 'is not a valid date and time'],
    ['a NUL inside', '2026-11-20T09:00:00Z\u0000', TIMESTAMP_FORMAT_MESSAGE],
  ])('given %s (%j), it refuses it and says why', (_given, text, problem) => {
    expect(parseTimestamp(text)).toEqual({ ok: false, problem });
  });

  it('takes a day exactly when the calendar has it (leap years and centuries included)', () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    for (const year of [1, 4, 99, 100, 400, 1900, 2000, 2023, 2024, 2100, 9996]) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const calendar = new Date(0);
          calendar.setUTCFullYear(year, month - 1, day);
          const exists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1;
          const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}T12:34:56Z`;
          calendar.setUTCHours(12, 34, 56);
          expect([text, parseTimestamp(text)]).toEqual([
            text,
            exists
              ? { ok: true, ms: calendar.getTime() }
              : { ok: false, problem: 'is not a valid date and time' },
          ]);
        }
      }
    }
  });
});
