import { MAX_NESTING_DEPTH, MAX_VALUE_PROBLEMS_PER_EVENT, printable } from './storable-values';
import { validateEvents } from './validate-events';

const NOW = new Date('2026-11-21T12:00:00Z');
const valid = {
  id: 'evt-1',
  type: 'team.blocked',
  occurredAt: '2026-11-20T09:00:00Z',
  source: 'jira',
  data: { teamId: 'payments', reason: 'dependency', note: 'waiting on core' },
};
const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { x: nested(depth - 1) });
const problemsOf = (input: unknown) => {
  const result = validateEvents([input], NOW);
  return result.ok ? [] : result.problems.map((p) => ({ path: p.path, message: p.message }));
};

/** What the event store (PostgreSQL text, jsonb, timestamptz) cannot hold is refused, at its path. */
describe('validateEvents: only what the event store can hold', () => {
  it.each<[string, unknown, string, RegExp]>([
    // [given, the event, then: the path and message of a problem]
    [
      'occurredAt in year 0000',
      { ...valid, occurredAt: '0000-01-01T00:00:00Z' },
      'occurredAt',
      /years 0001 to 9999/,
    ],
    [
      'occurredAt in year 10000 once in UTC',
      { ...valid, occurredAt: '9999-12-31T23:00:00-01:00' },
      'occurredAt',
      /years 0001 to 9999/,
    ],
    [
      'occurredAt in 1 BC once in UTC',
      { ...valid, occurredAt: '0001-01-01T00:00:00+00:01' },
      'occurredAt',
      /years 0001 to 9999/,
    ],
    [
      'occurredAt with offset +16:00',
      { ...valid, occurredAt: '2026-01-01T00:00:00+16:00' },
      'occurredAt',
      /-15:59 and \+15:59/,
    ],
    ['U+0000 in id', { ...valid, id: 'a\u0000b' }, 'id', /U\+0000/],
    ['U+0000 in source', { ...valid, source: 'jira\u0000' }, 'source', /U\+0000/],
    ['U+0000 in a data field', { ...valid, data: { ...valid.data, note: '\u0000' } }, 'data.note', /U\+0000/],
    [
      'U+0000 in an unknown data field',
      { ...valid, data: { ...valid.data, extra: 'x\u0000' } },
      'data.extra',
      /U\+0000/,
    ],
    [
      'U+0000 deep in data',
      { ...valid, data: { ...valid.data, a: [{ b: ['ok', 'no\u0000'] }] } },
      'data.a.0.b.1',
      /U\+0000/,
    ],
    [
      'U+0000 in a data key',
      { ...valid, data: { ...valid.data, 'k\u0000': 1 } },
      'data.k\\u0000',
      /field name must not contain U\+0000/,
    ],
    [
      'U+0000 in a nested key',
      { ...valid, data: { ...valid.data, a: { '\u0000': 1 } } },
      'data.a.\\u0000',
      /field name/,
    ],
    [
      'U+0000 in an envelope key',
      { ...valid, 'x\u0000': 1 },
      'x\\u0000',
      /field name must not contain U\+0000/,
    ],
    ['a lone high surrogate in id', { ...valid, id: 'a\ud800' }, 'id', /unpaired UTF-16 surrogate/],
    [
      'a lone low surrogate in a note',
      { ...valid, data: { ...valid.data, note: '\udc00x' } },
      'data.note',
      /unpaired/,
    ],
    [
      'surrogates reversed',
      { ...valid, data: { ...valid.data, note: '\udc00\ud800' } },
      'data.note',
      /unpaired/,
    ],
    [
      'a lone surrogate deep in data',
      { ...valid, data: { ...valid.data, a: { b: ['\ud83d'] } } },
      'data.a.b.0',
      /unpaired/,
    ],
    [
      'a lone surrogate in a key',
      { ...valid, data: { ...valid.data, ['\udfff']: 1 } },
      'data.\\udfff',
      /field name must not contain an unpaired/,
    ],
    [
      'a lone surrogate in teamId',
      { ...valid, data: { ...valid.data, teamId: 't\ud800' } },
      'data.teamId',
      /unpaired/,
    ],
    [
      'data nested too deep',
      { ...valid, data: { ...valid.data, deep: nested(40) } },
      `data.deep${'.x'.repeat(MAX_NESTING_DEPTH - 2)}`,
      /nested deeper than 32/,
    ],
    ['an id over 128 characters', { ...valid, id: 'é'.repeat(129) }, 'id', /more than 128 characters/],
    [
      'a source over 200 characters',
      { ...valid, source: '😀'.repeat(201) },
      'source',
      /more than 200 characters/,
    ],
  ])('given %s, it refuses the event at that path', (_given, event, path, message) => {
    expect(problemsOf(event)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it.each<[string, unknown]>([
    [
      'paired surrogates (emoji) anywhere',
      { ...valid, id: '😀', data: { ...valid.data, note: '🚀 ok', '😀': ['🎉'] } },
    ],
    ['other control characters', { ...valid, data: { ...valid.data, note: 'tab\tline\nbell\u0007' } }],
    ['U+FFFF and U+FEFF', { ...valid, data: { ...valid.data, note: '\uffff\ufeff' } }],
    ['data nested 30 levels', { ...valid, data: { ...valid.data, deep: nested(29) } }],
    ['occurredAt on the first day of year 0001', { ...valid, occurredAt: '0001-01-01T00:00:00Z' }],
    ['an id of 128 astral characters', { ...valid, id: '😀'.repeat(128) }],
  ])('given %s, it accepts the event', (_given, event) => {
    expect(problemsOf(event)).toEqual([]);
  });

  it('lists at most 10 such problems per event, whatever its size', () => {
    const data = { ...valid.data, many: Array.from({ length: 10_000 }, () => '\u0000') };
    expect(problemsOf({ ...valid, data })).toHaveLength(MAX_VALUE_PROBLEMS_PER_EVENT);
  });

  it('refuses 100,000 levels of nesting without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(problemsOf({ ...valid, data: { ...valid.data, deep } })).toEqual([
      { path: expect.stringMatching(/^data\.deep(\.0)+$/), message: expect.stringMatching(/nested deeper/) },
    ]);
  });

  it('keeps index and id on each problem, and reports the other problems of the event too', () => {
    const result = validateEvents(
      [valid, { ...valid, id: 'e2', source: '\u0000', data: { teamId: 't' } }],
      NOW,
    );
    expect(result).toEqual({
      ok: false,
      problems: [
        { index: 1, id: 'e2', path: 'source', message: expect.stringMatching(/U\+0000/) },
        { index: 1, id: 'e2', path: 'data.reason', message: 'is required' },
      ],
    });
  });

  it('writes U+0000 and unpaired surrogates in paths as \\u escapes', () => {
    expect(printable('a\u0000b\ud800c\udc00😀')).toBe('a\\u0000b\\ud800c\\udc00😀');
  });
});
