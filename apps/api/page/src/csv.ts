/**
 * A CSV cell a spreadsheet reads as text. A cell that starts with = + - @, or with a tab, carriage
 * return or other control character (or with spaces and control characters before one of those, which
 * spreadsheets skip), would be run as a formula: it gets a leading apostrophe (OWASP CSV injection).
 * Numbers stay numbers.
 */
const FORMULA =
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  /^[\s\u0000-\u001f\u007f-\u009f]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\u0000-\u001f\u007f-\u009f]/;

export const csvCell = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  const safe = typeof v !== 'number' && FORMULA.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
