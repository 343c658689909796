export type ParsedTimestamp = { ok: true; ms: number } | { ok: false; problem: string };

const PARTS =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

export const TIMESTAMP_FORMAT_MESSAGE =
  'must be an RFC 3339 timestamp with an offset, e.g. 2026-01-05T09:00:00Z';
export const TIMESTAMP_YEAR_MESSAGE =
  'must be within the years 0001 to 9999, as written and in UTC (the event store holds no other)';
// PostgreSQL refuses a larger UTC offset ("time zone displacement out of range").
const MAX_OFFSET_MINUTES = 15 * 60 + 59;
export const TIMESTAMP_OFFSET_MESSAGE = 'must have a UTC offset between -15:59 and +15:59';

const utc = (year: number, month: number, day: number, h = 0, m = 0, s = 0): number => {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC would read years 0-99 as 1900-1999
  date.setUTCHours(h, m, s, 0);
  return date.getTime();
};
const FIRST_MS = utc(1, 1, 1);
const END_MS = utc(10000, 1, 1);

/**
 * Reads an RFC 3339 timestamp with an offset, refusing what PostgreSQL's timestamptz cannot take as written:
 * impossible dates, offsets past ±15:59, and instants outside 0001-01-01..9999-12-31 in UTC or as written.
 */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const daysIn = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]);

/**
 * Reads an RFC 3339 timestamp with an offset, refusing what PostgreSQL's timestamptz cannot take as written:
 * impossible dates, offsets past ±15:59, and instants outside 0001-01-01..9999-12-31 in UTC or as written.
 */
export function parseTimestamp(text: string): ParsedTimestamp {
  const m = PARTS.exec(text);
  if (m === null) return { ok: false, problem: TIMESTAMP_FORMAT_MESSAGE };
  const [year, month, day, h, min, s] = [+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]];
  const fraction = m[7] ?? '';
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    h > 23 ||
    min > 59 ||
    s > 59 ||
    offsetMinutes > 59
  ) {
    return { ok: false, problem: 'is not a valid date and time' };
  }
  const local = year >= 100 ? Date.UTC(year, month - 1, day, h, min, s) : utc(year, month, day, h, min, s);
  const offset = offsetHours * 60 + offsetMinutes;
  if (offset > MAX_OFFSET_MINUTES) return { ok: false, problem: TIMESTAMP_OFFSET_MESSAGE };
  const seconds = local - (m[8] === '-' ? -1 : 1) * offset * 60_000;
  // PostgreSQL keeps microseconds: 23:59:59.9999995 on 9999-12-31 would round into year 10000.
  const carries = fraction.length > 6 && fraction.startsWith('999999') && fraction[6] >= '5';
  if (year < 1 || seconds < FIRST_MS || seconds + (carries ? 1000 : 0) >= END_MS) {
    return { ok: false, problem: TIMESTAMP_YEAR_MESSAGE };
  }
  return { ok: true, ms: seconds + Number(fraction.padEnd(3, '0').slice(0, 3)) };
}
