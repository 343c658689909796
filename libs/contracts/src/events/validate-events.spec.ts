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
    [
      'a decision requested at no timestamp',
      { ...valid, type: 'decision.made', data: { teamId: 't', requestedAt: 'yesterday' } },
      /^data.requestedAt: must be an RFC 3339/,
    ],
    [
      'a decision requested on a day that does not exist',
      { ...valid, type: 'decision.made', data: { teamId: 't', requestedAt: '2026-02-30T09:00:00Z' } },
      /^data.requestedAt: is not a valid date/,
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

describe('the coaching loop (contract §14)', () => {
  const plan = (competencies: unknown) => ({
    id: 'plan-1',
    type: 'coaching.plan-set',
    occurredAt: '2026-11-20T09:00:00Z',
    data: { personId: 'ana', managerId: 'mia', competencies },
  });
  const oneOnOne = (ratings: unknown) => ({
    id: '1on1-1',
    type: 'one-on-one.held',
    occurredAt: '2026-11-20T09:00:00Z',
    data: { managerId: 'mia', reportId: 'ana', ratings },
  });
  const twenty = (key: string, value: string) =>
    Array.from({ length: 20 }, (_, i) => ({ [key]: `c${i}`, [value]: 1 + (i % 5) }));

  it.each<[string, unknown]>([
    ['a plan of one competency', plan([{ name: 'discovery', target: 4 }])],
    ['a plan of 20 competencies', plan(twenty('name', 'target'))],
    [
      'a plan without a manager',
      {
        ...plan([{ name: 'x', target: 1 }]),
        data: { personId: 'ana', competencies: [{ name: 'x', target: 1 }] },
      },
    ],
    ['a 1:1 without ratings', { ...oneOnOne(undefined), data: { managerId: 'mia', reportId: 'ana' } }],
    ['a 1:1 with no ratings', oneOnOne([])],
    ['a 1:1 with 20 ratings', oneOnOne(twenty('competency', 'level'))],
    ['a competency name of 64 characters', oneOnOne([{ competency: 'x'.repeat(64), level: 5 }])],
  ])('accepts %s', (_, input) => {
    expect(problemsOf(input)).toEqual([]);
  });

  it.each<[string, unknown, string[]]>([
    ['a plan without competencies', plan([]), ['data.competencies: must NOT have fewer than 1 items']],
    [
      'a plan of 21',
      plan([...twenty('name', 'target'), { name: 'c20', target: 1 }]),
      ['data.competencies: must NOT have more than 20 items'],
    ],
    ['a target of 0', plan([{ name: 'x', target: 0 }]), ['data.competencies.0.target: must be >= 1']],
    ['a target of 6', plan([{ name: 'x', target: 6 }]), ['data.competencies.0.target: must be <= 5']],
    ['a target of 2.5', plan([{ name: 'x', target: 2.5 }]), ['data.competencies.0.target: must be integer']],
    [
      'an empty name',
      plan([{ name: '', target: 1 }]),
      ['data.competencies.0.name: must NOT have fewer than 1 characters'],
    ],
    [
      'a name of 65',
      plan([{ name: 'x'.repeat(65), target: 1 }]),
      ['data.competencies.0.name: must NOT have more than 64 characters'],
    ],
    [
      'a name twice',
      plan([
        { name: 'delivery', target: 3 },
        { name: 'discovery', target: 4 },
        { name: 'delivery', target: 2 },
      ]),
      ['data.competencies.2.name: must be unique in the plan: "delivery" is already named'],
    ],
    [
      'an unknown field in a competency',
      plan([{ name: 'x', target: 1, weight: 2 }]),
      ['data.competencies.0.weight: is not an allowed field'],
    ],
    [
      'no personId',
      { ...plan([{ name: 'x', target: 1 }]), data: { competencies: [{ name: 'x', target: 1 }] } },
      ['data.personId: is required'],
    ],
    ['ratings not a list', oneOnOne({ discovery: 3 }), ['data.ratings: must be array']],
    [
      '21 ratings',
      oneOnOne([...twenty('competency', 'level'), { competency: 'x', level: 1 }]),
      ['data.ratings: must NOT have more than 20 items'],
    ],
    ['a level of 0', oneOnOne([{ competency: 'x', level: 0 }]), ['data.ratings.0.level: must be >= 1']],
    ['a level of 6', oneOnOne([{ competency: 'x', level: 6 }]), ['data.ratings.0.level: must be <= 5']],
    ['a rating without a level', oneOnOne([{ competency: 'x' }]), ['data.ratings.0.level: is required']],
    [
      'a competency of 65',
      oneOnOne([{ competency: 'x'.repeat(65), level: 1 }]),
      ['data.ratings.0.competency: must NOT have more than 64 characters'],
    ],
  ])('refuses %s, saying what and where', (_, input, problems) => {
    expect(problemsOf(input)).toEqual(problems);
  });

  it('all or nothing: one bad rating refuses the whole request', () => {
    const result = validateEvents(
      [plan([{ name: 'x', target: 1 }]), oneOnOne([{ competency: 'x', level: 9 }])],
      NOW,
    );
    expect(result.ok).toBe(false);
  });
});
