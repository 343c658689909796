import { Topics } from '@orgpulse/contracts';
import {
  type SpawnedProcess,
  freePort,
  postEvents,
  runCli,
  spawnApp,
  testEnvironment,
  topicEndOffset,
  waitForHealthy,
} from '@orgpulse/testing';

/**
 * Raw JSON bodies, written by hand: the \u0000 and \ud800 escapes reach the server exactly as an
 * integration may send them (JSON.stringify of a JavaScript string would send the same escapes, but this
 * leaves no doubt). Each is something PostgreSQL's event store could not hold.
 */
const native = (replace: Record<string, string> = {}, extraData = '') => {
  const fields: Record<string, string> = {
    id: '"poison-1"',
    type: '"team.blocked"',
    occurredAt: '"2026-01-20T09:00:00Z"',
    source: '"e2e"',
    data: `{"teamId":"payments","reason":"other"${extraData}}`,
    ...replace,
  };
  return `{${Object.entries(fields)
    .map(([k, v]) => `"${k}":${v}`)
    .join(',')}}`;
};
const cloudEvent = (replace: Record<string, string> = {}) => {
  const attributes: Record<string, string> = {
    specversion: '"1.0"',
    id: '"poison-ce-1"',
    type: '"team.blocked"',
    time: '"2026-01-20T09:00:00Z"',
    source: '"e2e"',
    data: '{"teamId":"payments","reason":"other"}',
    ...replace,
  };
  return `{${Object.entries(attributes)
    .map(([k, v]) => `"${k}":${v}`)
    .join(',')}}`;
};
const deep = (levels: number) => `${'{"x":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('ingest refuses what the event store cannot hold (spawned gateway, real Kafka)', () => {
  jest.setTimeout(120_000);
  const { databaseUrl, kafkaBrokers } = testEnvironment();
  let ingest: SpawnedProcess;
  let baseUrl: string;
  let ingestKey: string;

  beforeAll(async () => {
    ({ ingestKey } = JSON.parse((await runCli(['org', 'create', '--name', 'Poison'])).stdout) as {
      ingestKey: string;
    });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_PER_SECOND: '0',
    });
    await waitForHealthy(`${baseUrl}/health`, ingest);
  });

  afterAll(() => ingest.stop());

  const CE = 'application/cloudevents+json';
  const CE_BATCH = 'application/cloudevents-batch+json';
  const NUL = /must not contain U\+0000/;
  const SURROGATE = /unpaired UTF-16 surrogate/;
  const YEARS = /years 0001 to 9999/;
  it.each<[string, string, string, number, string, RegExp]>([
    // [given, the raw body, its Content-Type, then: the index, path and message of a problem]
    [
      'occurredAt in year 0000',
      native({ occurredAt: '"0000-03-01T00:00:00Z"' }),
      'application/json',
      0,
      'occurredAt',
      YEARS,
    ],
    [
      'occurredAt in 10000 once in UTC',
      native({ occurredAt: '"9999-12-31T23:30:00-01:00"' }),
      'application/json',
      0,
      'occurredAt',
      YEARS,
    ],
    [
      'occurredAt in 1 BC once in UTC',
      native({ occurredAt: '"0001-01-01T00:30:00+01:00"' }),
      'application/json',
      0,
      'occurredAt',
      YEARS,
    ],
    [
      'occurredAt with offset +16:00',
      native({ occurredAt: '"2026-01-20T09:00:00+16:00"' }),
      'application/json',
      0,
      'occurredAt',
      /\+15:59/,
    ],
    ['\\u0000 in id', native({ id: '"poison\\u0000"' }), 'application/json', 0, 'id', NUL],
    ['\\u0000 in source', native({ source: '"e2e\\u0000"' }), 'application/json', 0, 'source', NUL],
    ['\\u0000 in a data field', native({}, ',"note":"a\\u0000b"'), 'application/json', 0, 'data.note', NUL],
    [
      '\\u0000 deep in data',
      native({}, ',"extra":{"list":["ok","\\u0000"]}'),
      'application/json',
      0,
      'data.extra.list.1',
      NUL,
    ],
    ['\\u0000 in a data key', native({}, ',"k\\u0000":1'), 'application/json', 0, 'data.k\\u0000', NUL],
    [
      '\\u0000 in an envelope key',
      `${native().slice(0, -1)},"x\\u0000":1}`,
      'application/json',
      0,
      'x\\u0000',
      NUL,
    ],
    ['\\ud800 in id', native({ id: '"poison\\ud800"' }), 'application/json', 0, 'id', SURROGATE],
    [
      '\\udc00 in a data field',
      native({}, ',"note":"\\udc00"'),
      'application/json',
      0,
      'data.note',
      SURROGATE,
    ],
    [
      '\\ud800 deep in data',
      native({}, ',"a":[{"b":"x\\ud800"}]'),
      'application/json',
      0,
      'data.a.0.b',
      SURROGATE,
    ],
    ['\\ud800 in a data key', native({}, ',"\\ud800":1'), 'application/json', 0, 'data.\\ud800', SURROGATE],
    [
      'data nested 1,000 levels',
      native({}, `,"deep":${deep(1000)}`),
      'application/json',
      0,
      `data.deep${'.x'.repeat(30)}`,
      /nested deeper than 32/,
    ],
    [
      'an id over 128 characters',
      native({ id: `"${'x'.repeat(129)}"` }),
      'application/json',
      0,
      'id',
      /128 characters/,
    ],
    [
      'a source over 200 characters',
      native({ source: `"${'s'.repeat(201)}"` }),
      'application/json',
      0,
      'source',
      /200 characters/,
    ],
    [
      'the second of a batch',
      `[${native({ id: '"ok-1"' })},${native({}, ',"note":"\\u0000"')}]`,
      'application/json',
      1,
      'data.note',
      NUL,
    ],
    ['a CloudEvent time in year 0000', cloudEvent({ time: '"0000-03-01T00:00:00Z"' }), CE, 0, 'time', YEARS],
    [
      '\\u0000 in CloudEvent data',
      cloudEvent({ data: '{"teamId":"t","reason":"other","note":"\\u0000"}' }),
      CE,
      0,
      'data.note',
      NUL,
    ],
    ['\\ud800 in a CloudEvent id', cloudEvent({ id: '"\\ud800"' }), CE, 0, 'id', SURROGATE],
    [
      '\\u0000 in a CloudEvent extension',
      cloudEvent({ traceparent: '"\\u0000"' }),
      CE,
      0,
      'traceparent',
      NUL,
    ],
    [
      '\\udfff in a CloudEvents batch',
      `[${cloudEvent()},${cloudEvent({ source: '"\\udfff"' })}]`,
      CE_BATCH,
      1,
      'source',
      SURROGATE,
    ],
  ])(
    'given %s, it answers 400 INVALID_EVENTS at that path and writes nothing',
    async (_given, body, contentType, index, path, message) => {
      const before = await topicEndOffset(kafkaBrokers, Topics.events);
      const response = await postEvents(baseUrl, body, { key: ingestKey, contentType });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: expect.arrayContaining([
          {
            code: 'INVALID_EVENTS',
            index,
            id: expect.any(String),
            path,
            message: expect.stringMatching(message),
          },
        ]),
      });
      expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
    },
  );

  it('still accepts the edges the store can hold: year 0001, offset +14:00, emoji, and control characters other than NUL', async () => {
    const body = `[${native({ id: '"edge-1-😀"', occurredAt: '"0001-01-01T00:00:00Z"' }, ',"note":"🚀\\t\\u0001"')},${native({ id: '"edge-2"', occurredAt: '"1999-12-31T23:59:59.999999+14:00"' }, ',"😀":["\\ud83d\\ude00"]')}]`;
    const response = await postEvents(baseUrl, body, { key: ingestKey });
    expect(response).toMatchObject({ status: 202, body: { accepted: 2 } });
  });
});
