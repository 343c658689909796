/**
 * What the event store cannot hold, found anywhere in a parsed JSON value (keys included): PostgreSQL's
 * text and jsonb refuse U+0000, jsonb refuses unpaired surrogates (and text would silently turn them into
 * U+FFFD), and jsonb refuses very deep nesting. Refused at the edge, such input never blocks a partition.
 */
export interface ValueProblem {
  path: string;
  message: string;
}

/** Objects and arrays nested deeper than this are refused (the event itself is level 1). */
export const MAX_NESTING_DEPTH = 32;
/** Problems of this kind listed per event: enough to fix the input, bounded whatever its size. */
export const MAX_VALUE_PROBLEMS_PER_EVENT = 10;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const FORBIDDEN_KEY_MESSAGE = 'is a forbidden key';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- U+0000 is what this looks for
const UNPRINTABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NUL_MESSAGE = 'must not contain U+0000 (NUL): the event store (PostgreSQL) cannot hold it';
const SURROGATE_MESSAGE =
  'must not contain an unpaired UTF-16 surrogate (such as \\ud800): it is not valid Unicode text';

/** A string's problem for the event store, if any. */
export function unstorableStringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(text)) return SURROGATE_MESSAGE;
  return undefined;
}

/** The text with U+0000 and unpaired surrogates written as \uXXXX, so paths and errors can always be stored. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every key and string under `value` that the store cannot hold, every forbidden key, and nesting too deep. */
export function findUnstorableValues(value: unknown): ValueProblem[] {
  const problems: ValueProblem[] = [];
  walk(value, [], problems);
  return problems;
}

// Paths are written only for a problem: most values have none, and building one per key cost as much as the walk.
const pathOf = (segments: readonly string[]) => segments.map(printable).join('.');

function walk(value: unknown, segments: string[], problems: ValueProblem[]): void {
  if (problems.length >= MAX_VALUE_PROBLEMS_PER_EVENT) return;
  if (typeof value === 'string') {
    const message = unstorableStringProblem(value);
    if (message !== undefined) problems.push({ path: pathOf(segments), message });
    return;
  }
  if (value === null || typeof value !== 'object') return;
  // Bounding the depth also bounds this recursion: no input can overflow the stack here.
  if (segments.length >= MAX_NESTING_DEPTH) {
    problems.push({ path: pathOf(segments), message: `is nested deeper than ${MAX_NESTING_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && problems.length < MAX_VALUE_PROBLEMS_PER_EVENT; i++) {
      segments.push(String(i));
      walk(value[i], segments, problems);
      segments.pop();
    }
    return;
  }
  for (const key of Object.keys(value)) {
    if (problems.length >= MAX_VALUE_PROBLEMS_PER_EVENT) return;
    segments.push(key);
    const keyProblem = unstorableStringProblem(key);
    if (keyProblem !== undefined)
      problems.push({ path: pathOf(segments), message: `field name ${keyProblem}` });
    else if (FORBIDDEN_KEYS.has(key))
      problems.push({ path: pathOf(segments), message: FORBIDDEN_KEY_MESSAGE });
    else walk((value as Record<string, unknown>)[key], segments, problems);
    segments.pop();
  }
}
