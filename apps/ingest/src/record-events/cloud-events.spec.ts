import { fromCloudEvent, validateCloudEvents } from './cloud-events';

describe('fromCloudEvent', () => {
  it('maps id, type, time, source and data onto the native envelope', () => {
    const ce = {
      specversion: '1.0',
      id: 'evt-1',
      type: 'team.blocked',
      time: '2026-11-20T09:00:00Z',
      source: 'jira',
      datacontenttype: 'application/json',
      data: { teamId: 'payments', reason: 'dependency' },
    };
    expect(fromCloudEvent(ce, 0)).toEqual({
      envelope: {
        id: 'evt-1',
        type: 'team.blocked',
        occurredAt: '2026-11-20T09:00:00Z',
        source: 'jira',
        data: ce.data,
      },
      problems: [],
    });
  });

  it.each([
    ['missing specversion', { id: 'a' }, 'specversion'],
    ['specversion 0.3', { specversion: '0.3', id: 'a' }, 'specversion'],
    ['not an object', [1], ''],
  ])('rejects %s', (_case, input, path) => {
    expect(fromCloudEvent(input, 4).problems).toEqual([expect.objectContaining({ index: 4, path })]);
  });
});

describe('validateCloudEvents: only what the event store can hold, at CloudEvents paths', () => {
  const NOW = new Date('2026-11-21T12:00:00Z');
  const ce = {
    specversion: '1.0',
    id: 'ce-1',
    type: 'team.blocked',
    time: '2026-11-20T09:00:00Z',
    source: 'jira',
    data: { teamId: 'payments', reason: 'dependency' },
  };

  it('accepts a valid CloudEvent as its native envelope', () => {
    expect(validateCloudEvents([ce], NOW)).toEqual({
      ok: true,
      events: [{ id: 'ce-1', type: 'team.blocked', occurredAt: ce.time, source: 'jira', data: ce.data }],
    });
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    // [given, the CloudEvent, then: the path and message of a problem]
    ['time in year 0000', { ...ce, time: '0000-01-01T00:00:00Z' }, 'time', /years 0001 to 9999/],
    ['time in year 10000 in UTC', { ...ce, time: '9999-12-31T23:59:00-00:01' }, 'time', /years 0001 to 9999/],
    ['time missing', { ...ce, time: undefined }, 'time', /is required/],
    ['U+0000 in id', { ...ce, id: '\u0000' }, 'id', /U\+0000/],
    ['U+0000 in source', { ...ce, source: 's\u0000' }, 'source', /U\+0000/],
    ['U+0000 in data', { ...ce, data: { ...ce.data, note: '\u0000' } }, 'data.note', /U\+0000/],
    ['U+0000 in a data key', { ...ce, data: { ...ce.data, '\u0000': 1 } }, 'data.\\u0000', /field name/],
    ['a lone surrogate in data', { ...ce, data: { ...ce.data, x: ['\ud800'] } }, 'data.x.0', /surrogate/],
    ['U+0000 in an extension attribute', { ...ce, traceparent: '\u0000' }, 'traceparent', /U\+0000/],
    [
      'a lone surrogate in datacontenttype',
      { ...ce, datacontenttype: '\udc00' },
      'datacontenttype',
      /surrogate/,
    ],
    ['U+0000 in an extension name', { ...ce, 'ext\u0000': 'x' }, 'ext\\u0000', /field name/],
    [
      'an extension named __proto__',
      JSON.parse(`{"__proto__":1,"specversion":"1.0"}`),
      '__proto__',
      /forbidden/,
    ],
  ])('given %s, it refuses the CloudEvent at that path', (_given, input, path, message) => {
    const result = validateCloudEvents([ce, input], NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(
      expect.objectContaining({ index: 1, path, message: expect.stringMatching(message) }),
    );
  });
});
