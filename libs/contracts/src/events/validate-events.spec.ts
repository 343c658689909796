import { validateEvents } from './validate-events';

const NOW = new Date('2026-11-21T12:00:00Z');
const valid = {
  id: 'evt-1',
  type: 'team.registered',
  occurredAt: '2026-11-20T09:00:00+01:00',
  source: 'jira',
  data: { teamId: 'payments', name: 'Payments', headcount: 8, extra: 'kept' },
};
const problemsOf = (input: unknown) => {
  const result = validateEvents([input], NOW);
  return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('validateEvents', () => {
  it('accepts a valid event, keeping unknown data fields', () => {
    expect(validateEvents([valid], NOW)).toEqual({ ok: true, events: [valid] });
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 42, /^: must be a JSON object/],
    ['missing id', { ...valid, id: undefined }, /^id: is required/],
    ['empty id', { ...valid, id: '' }, /^id: /],
    [
      'id of 129 characters',
      { ...valid, id: 'x'.repeat(129) },
      /^id: must NOT have more than 128 characters/,
    ],
    ['unknown type', { ...valid, type: 'team.exploded' }, /^type: is not a known event type/],
    ['extra envelope field', { ...valid, orgId: 'someone-else' }, /^orgId: is not an allowed field/],
    [
      'occurredAt without offset',
      { ...valid, occurredAt: '2026-11-20T09:00:00' },
      /^occurredAt: must be an RFC 3339/,
    ],
    [
      'occurredAt not a date',
      { ...valid, occurredAt: '2026-02-30T09:00:00Z' },
      /^occurredAt: is not a valid date/,
    ],
    [
      'occurredAt 10 minutes ahead',
      { ...valid, occurredAt: '2026-11-21T12:10:00Z' },
      /^occurredAt: must not be more than 5 minutes/,
    ],
    [
      'headcount negative',
      { ...valid, data: { ...valid.data, headcount: -1 } },
      /^data.headcount: must be >= 0/,
    ],
    [
      'headcount a string',
      { ...valid, data: { ...valid.data, headcount: '8' } },
      /^data.headcount: must be integer/,
    ],
    ['missing teamId', { ...valid, data: { name: 'P', headcount: 1 } }, /^data.teamId: is required/],
    [
      'a 10,000-character name',
      { ...valid, data: { ...valid.data, name: 'x'.repeat(10_000) } },
      /^data.name: must NOT have more/,
    ],
    ['source of 201 characters', { ...valid, source: 'x'.repeat(201) }, /^source: /],
    [
      '__proto__ key',
      JSON.parse(
        '{"id":"a","type":"team.archived","occurredAt":"2026-11-20T09:00:00Z","data":{"teamId":"t","__proto__":{"x":1}}}',
      ),
      /^data.__proto__: is a forbidden key/,
    ],
    [
      'constructor key',
      { ...valid, data: { ...valid.data, constructor: 1 } },
      /^data.constructor: is a forbidden key/,
    ],
    [
      'unknown reason',
      { ...valid, type: 'team.blocked', data: { teamId: 't', reason: 'lunch' } },
      /^data.reason: must be one of unclear-priorities/,
    ],
  ])('rejects %s', (_case, input, expected) => {
    expect(problemsOf(input)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('accepts occurredAt exactly 5 minutes ahead and any past time', () => {
    expect(problemsOf({ ...valid, occurredAt: '2026-11-21T12:05:00Z' })).toEqual([]);
    expect(problemsOf({ ...valid, occurredAt: '1999-01-01T00:00:00Z' })).toEqual([]);
  });

  it('reports every problem of every event, by index and id', () => {
    const result = validateEvents(
      [valid, { ...valid, id: 'evt-2', type: 'nope' }, { ...valid, id: 'evt-3', data: {} }],
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.index, p.id, p.path])).toEqual([
      [1, 'evt-2', 'type'],
      [2, 'evt-3', 'data.teamId'],
      [2, 'evt-3', 'data.name'],
      [2, 'evt-3', 'data.headcount'],
    ]);
  });
});
