import { fromCloudEvent, validateBinaryCloudEvent, validateCloudEvents } from './cloud-events';

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
      traits: { idScope: 'source' },
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
      events: [
        {
          id: 'ce-1',
          type: 'team.blocked',
          occurredAt: ce.time,
          source: 'jira',
          data: ce.data,
          idScope: 'source',
        },
      ],
    });
  });

  // contract §11
  const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

  it('is identified by its source and id, and keeps its trace context', () => {
    const result = validateCloudEvents(
      [{ ...ce, traceparent: TRACEPARENT, tracestate: 'congo=t61rcWkgMzE' }],
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      events: [
        expect.objectContaining({
          idScope: 'source',
          traceparent: TRACEPARENT,
          tracestate: 'congo=t61rcWkgMzE',
        }),
      ],
    });
  });

  it.each([undefined, 'application/json', 'application/json; charset=utf-8', 'application/vnd.acme+json'])(
    'takes data_base64 holding JSON, with datacontenttype %s',
    (datacontenttype) => {
      const { data, ...attributes } = ce;
      const result = validateCloudEvents(
        [{ ...attributes, datacontenttype, data_base64: base64(data) }],
        NOW,
      );
      expect(result).toEqual({ ok: true, events: [expect.objectContaining({ data })] });
    },
  );

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no source', { ...ce, source: undefined }, 'source', /is required/],
    ['an empty source', { ...ce, source: '' }, 'source', /is required/],
    [
      'data_base64 beside data',
      { ...ce, data_base64: base64(ce.data) },
      'data_base64',
      /not be given with data/,
    ],
    [
      'data_base64 of text/plain',
      { ...ce, data: undefined, datacontenttype: 'text/plain', data_base64: base64('x') },
      'datacontenttype',
      /JSON media type/,
    ],
    [
      'data_base64 that is not base64',
      { ...ce, data: undefined, data_base64: 'not base64!' },
      'data_base64',
      /base64/,
    ],
    [
      'data_base64 that is not JSON',
      { ...ce, data: undefined, data_base64: Buffer.from('{nope').toString('base64') },
      'data_base64',
      /UTF-8 JSON/,
    ],
    ['a malformed traceparent', { ...ce, traceparent: '00-xyz' }, 'traceparent', /W3C traceparent/],
    [
      'an all-zero trace id',
      { ...ce, traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
      'traceparent',
      /all-zero/,
    ],
    ['a tracestate over 512 characters', { ...ce, tracestate: `a=${'b'.repeat(511)}` }, 'tracestate', /512/],
  ])('given %s, it refuses the CloudEvent (§11)', (_given, input, path, message) => {
    const result = validateCloudEvents([input], NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]),
    );
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

describe('validateBinaryCloudEvent: ce-* headers as attributes, the body as data (HTTP binding 3.1)', () => {
  const NOW = new Date('2026-11-21T12:00:00Z');
  const headers = {
    'ce-specversion': '1.0',
    'ce-id': 'ce-1',
    'ce-type': 'team.blocked',
    'ce-time': '2026-11-20T09:00:00Z',
    'ce-source': 'jira',
  };
  const data = { teamId: 'payments', reason: 'dependency' };

  it('gives the same envelope as the same event in structured mode', () => {
    const structured = validateCloudEvents(
      [
        {
          specversion: '1.0',
          id: 'ce-1',
          type: 'team.blocked',
          time: headers['ce-time'],
          source: 'jira',
          data,
        },
      ],
      NOW,
    );
    expect(validateBinaryCloudEvent(headers, data, NOW)).toEqual(structured);
    expect(structured.ok).toBe(true);
  });

  it('percent-decodes header values (3.1.3.2), as UTF-8, leaving + alone', () => {
    const result = validateBinaryCloudEvent(
      { ...headers, 'ce-id': 'a%20b%C3%A9+c', 'ce-source': '%2Forgs%2Fjira' },
      data,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      events: [expect.objectContaining({ id: 'a bé+c', source: '/orgs/jira' })],
    });
  });

  it.each<[string, Record<string, string | undefined>, unknown, string, RegExp]>([
    // [given, the headers, the body, then: the path and message of a problem]
    ['no ce-id', { ...headers, 'ce-id': undefined }, data, 'ce-id', /is required/],
    ['no ce-type', { ...headers, 'ce-type': undefined }, data, 'ce-type', /is required/],
    ['no ce-time', { ...headers, 'ce-time': undefined }, data, 'ce-time', /is required/],
    ['ce-specversion 0.3', { ...headers, 'ce-specversion': '0.3' }, data, 'ce-specversion', /"1\.0"/],
    [
      'an unknown ce-type',
      { ...headers, 'ce-type': 'team.exploded' },
      data,
      'ce-type',
      /not a known event type/,
    ],
    ['a ce-time in the future', { ...headers, 'ce-time': '2026-11-22T00:00:00Z' }, data, 'ce-time', /future/],
    ['bad percent-encoding', { ...headers, 'ce-source': '%E0%A4%A' }, data, 'ce-source', /percent-encoded/],
    ['U+0000 in an extension', { ...headers, 'ce-traceparent': '%00' }, data, 'ce-traceparent', /U\+0000/],
    ['a body without teamId', headers, { reason: 'dependency' }, 'data.teamId', /is required/],
    ['a body that is an array', headers, [data], 'data', /object/],
  ])('given %s, it refuses the event at that path', (_given, given, body, path, message) => {
    const result = validateBinaryCloudEvent(given, body, NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual(
      expect.objectContaining({ index: 0, path, message: expect.stringMatching(message) }),
    );
  });

  it('names the event by its id in every problem', () => {
    const result = validateBinaryCloudEvent({ ...headers, 'ce-type': 'nope' }, data, NOW);
    expect(result.ok ? [] : result.problems).toEqual([expect.objectContaining({ id: 'ce-1' })]);
  });
});
