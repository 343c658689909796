import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Topics, isRecordOfOrg } from '@orgpulse/contracts';
import {
  type SpawnedProcess,
  freePort,
  postEvents,
  readTopicToEnd,
  repoRoot,
  runCli,
  sampleEvent,
  spawnApp,
  testEnvironment,
  topicEndOffset,
  waitForHealthy,
} from '@orgpulse/testing';

interface Org {
  orgId: string;
  ingestKey: string;
}

const MiB = 1024 * 1024;

describe('the ingest API (spawned gateway, real Kafka)', () => {
  jest.setTimeout(180_000);
  const { databaseUrl, kafkaBrokers } = testEnvironment();
  let ingest: SpawnedProcess;
  let baseUrl: string;
  let orgA: Org;
  let orgB: Org;
  let revokedKey: string;

  const createOrg = async (name: string) =>
    JSON.parse((await runCli(['org', 'create', '--name', name])).stdout) as Org;
  const recordsOf = (orgId: string, ids: Set<string>) =>
    readTopicToEnd(kafkaBrokers, Topics.events, (r) => isRecordOfOrg(r.key, orgId) && ids.has(idOf(r.value)));
  const idOf = (value: string | null) => (JSON.parse(value ?? '{}') as { id?: string }).id ?? '';

  beforeAll(async () => {
    [orgA, orgB] = [await createOrg('Org A'), await createOrg('Org B')];
    revokedKey = (
      JSON.parse((await runCli(['key', 'create', '--org', orgA.orgId])).stdout) as { ingestKey: string }
    ).ingestKey;
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

  describe('refuses bad requests, says what is wrong, and writes nothing to Kafka', () => {
    const future = () => new Date(Date.now() + 10 * 60_000).toISOString();
    const batchWithBad57 = () =>
      Array.from({ length: 100 }, (_, i) =>
        i === 57
          ? sampleEvent({ id: 'evt-57' }, { reason: 'coffee' })
          : sampleEvent({ id: `batch-${Date.now()}-${i}` }),
      );
    type Row = [string, () => { body: unknown; key?: string; contentType?: string }, number, object];
    const rows: Row[] = [
      [
        'malformed JSON',
        () => ({ body: '{"id": "a", ' }),
        400,
        { code: 'INVALID_REQUEST', message: expect.stringMatching(/not valid JSON/) },
      ],
      [
        'an empty body',
        () => ({ body: '' }),
        400,
        { code: 'INVALID_REQUEST', message: expect.stringMatching(/empty/) },
      ],
      [
        'an empty array',
        () => ({ body: [] }),
        400,
        { code: 'INVALID_REQUEST', message: expect.stringMatching(/empty/) },
      ],
      [
        '1001 events',
        () => ({ body: Array.from({ length: 1001 }, () => sampleEvent()) }),
        400,
        { code: 'INVALID_REQUEST', message: expect.stringMatching(/at most 1000/) },
      ],
      ['1 MiB + 1 byte', () => ({ body: Buffer.alloc(MiB + 1, 0x20) }), 413, { code: 'PAYLOAD_TOO_LARGE' }],
      [
        'text/plain',
        () => ({ body: JSON.stringify(sampleEvent()), contentType: 'text/plain' }),
        415,
        { code: 'UNSUPPORTED_MEDIA_TYPE' },
      ],
      [
        'a form post',
        () => ({ body: 'a=b', contentType: 'application/x-www-form-urlencoded' }),
        415,
        { code: 'UNSUPPORTED_MEDIA_TYPE' },
      ],
      [
        'a missing id',
        () => ({ body: { ...sampleEvent(), id: undefined } }),
        400,
        { code: 'INVALID_EVENTS', index: 0, path: 'id', message: 'is required' },
      ],
      [
        'a missing data field',
        () => ({ body: sampleEvent({ data: { reason: 'other' } }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'data.teamId', message: 'is required' },
      ],
      [
        'an extra envelope field',
        () => ({ body: sampleEvent({ team: 'x' }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'team', message: 'is not an allowed field' },
      ],
      [
        'a wrongly typed field',
        () => ({
          body: sampleEvent({ type: 'team.registered', data: { teamId: 't', name: 'T', headcount: '8' } }),
        }),
        400,
        { code: 'INVALID_EVENTS', path: 'data.headcount' },
      ],
      [
        'data that is not an object',
        () => ({ body: sampleEvent({ data: 'x' }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'data' },
      ],
      [
        'an unknown type',
        () => ({ body: sampleEvent({ type: 'team.exploded' }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'type', message: expect.stringMatching(/not a known event type/) },
      ],
      [
        'occurredAt without offset',
        () => ({ body: sampleEvent({ occurredAt: '2026-11-20T09:00:00' }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'occurredAt' },
      ],
      [
        'occurredAt 10 minutes ahead',
        () => ({ body: sampleEvent({ occurredAt: future() }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'occurredAt', message: expect.stringMatching(/future/) },
      ],
      [
        'a 10,000-character id',
        () => ({ body: sampleEvent({ id: 'x'.repeat(10_000) }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'id' },
      ],
      [
        'a 10,000-character note',
        () => ({ body: sampleEvent({}, { note: 'x'.repeat(10_000) }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'data.note' },
      ],
      [
        'a 10,000-character source',
        () => ({ body: sampleEvent({ source: 'x'.repeat(10_000) }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'source' },
      ],
      [
        'a __proto__ key',
        () => ({
          body: `{"id":"p1","type":"team.archived","occurredAt":"2026-11-20T09:00:00Z","data":{"teamId":"t","__proto__":{"admin":true}}}`,
        }),
        400,
        { code: 'INVALID_EVENTS', path: 'data.__proto__', message: 'is a forbidden key' },
      ],
      [
        'a constructor key',
        () => ({ body: sampleEvent({}, { constructor: { prototype: 1 } }) }),
        400,
        { code: 'INVALID_EVENTS', path: 'data.constructor', message: 'is a forbidden key' },
      ],
      [
        'invalid UTF-8',
        () => ({
          body: Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
        }),
        400,
        { code: 'INVALID_REQUEST', message: expect.stringMatching(/UTF-8/) },
      ],
      [
        'a CloudEvent of specversion 0.3',
        () => ({
          body: {
            specversion: '0.3',
            id: 'c',
            type: 'team.archived',
            time: '2026-11-20T09:00:00Z',
            data: { teamId: 't' },
          },
          contentType: 'application/cloudevents+json',
        }),
        400,
        { code: 'INVALID_EVENTS', path: 'specversion' },
      ],
      [
        'an array as one CloudEvent',
        () => ({ body: [], contentType: 'application/cloudevents+json' }),
        400,
        { code: 'INVALID_REQUEST' },
      ],
      ['no key', () => ({ body: sampleEvent(), key: 'none' }), 401, { code: 'UNAUTHORIZED' }],
      [
        'an unknown key',
        () => ({ body: sampleEvent(), key: 'opk_not-a-key' }),
        401,
        { code: 'UNAUTHORIZED' },
      ],
      ['a revoked key', () => ({ body: sampleEvent(), key: 'revoked' }), 401, { code: 'UNAUTHORIZED' }],
    ];

    it.each(rows)('%s', async (_name, request, status, error) => {
      const { body, key = 'A', contentType } = request();
      const keys: Record<string, string | undefined> = {
        A: orgA.ingestKey,
        revoked: revokedKey,
        none: undefined,
      };
      const resolvedKey = key in keys ? keys[key] : key;
      if (key === 'revoked') await runCli(['key', 'revoke', revokedKey]);
      const before = await topicEndOffset(kafkaBrokers, Topics.events);
      const response = await postEvents(baseUrl, body, { key: resolvedKey, contentType });
      expect(response.status).toBe(status);
      expect(response.body).toEqual({ errors: expect.arrayContaining([expect.objectContaining(error)]) });
      expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
    });

    it('a batch where only event 57 of 100 is bad: one problem, by index, id and path', async () => {
      const before = await topicEndOffset(kafkaBrokers, Topics.events);
      const response = await postEvents(baseUrl, batchWithBad57(), { key: orgA.ingestKey });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        errors: [
          {
            code: 'INVALID_EVENTS',
            index: 57,
            id: 'evt-57',
            path: 'data.reason',
            message: expect.stringMatching(/must be one of/),
          },
        ],
      });
      expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
    });

    it('every problem of every event is listed', async () => {
      const response = await postEvents(
        baseUrl,
        [
          sampleEvent({ id: 'x1', type: 'nope' }),
          sampleEvent({ id: 'x2', occurredAt: 'yesterday', data: {} }),
        ],
        { key: orgA.ingestKey },
      );
      expect(response.status).toBe(400);
      const problems = (response.body as { errors: { index: number; path: string }[] }).errors.map(
        (e) => `${e.index}:${e.path}`,
      );
      expect(problems.sort()).toEqual(['0:type', '1:data.reason', '1:data.teamId', '1:occurredAt']);
    });
  });

  it('serves its OpenAPI document at /docs, the same as the checked-in docs/openapi/ingest.openapi.json', async () => {
    const served = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as Record<string, unknown>;
    const checkedIn = JSON.parse(
      readFileSync(join(repoRoot, 'docs/openapi/ingest.openapi.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(served).toEqual(checkedIn);
    expect(Object.keys(served.paths as object)).toContain('/v1/events');
    expect((await fetch(`${baseUrl}/docs`)).status).toBe(200);
  });

  it('a key is refused at once after `key revoke`', async () => {
    const { ingestKey } = JSON.parse((await runCli(['key', 'create', '--org', orgB.orgId])).stdout) as {
      ingestKey: string;
    };
    expect((await postEvents(baseUrl, sampleEvent(), { key: ingestKey })).status).toBe(202);
    expect((await runCli(['key', 'revoke', ingestKey])).code).toBe(0);
    expect((await postEvents(baseUrl, sampleEvent(), { key: ingestKey })).status).toBe(401);
  });

  it('a valid batch of 1000 answers 202 and all 1000 records are on the topic, keyed by subject, with org and payload', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      i % 3 === 0
        ? sampleEvent(
            { id: `big-${Date.now()}-${i}`, type: 'team.registered' },
            {
              teamId: `t${i % 17}`,
              name: `Team ${i}`,
              headcount: i % 9,
              reason: undefined,
              extra: { kept: i },
            },
          )
        : i % 3 === 1
          ? sampleEvent({
              id: `big-${Date.now()}-${i}`,
              type: 'one-on-one.held',
              data: { managerId: `m${i % 5}`, reportId: `p${i}` },
            })
          : sampleEvent({ id: `big-${Date.now()}-${i}` }, { teamId: `t${i % 17}` }),
    );
    const sent = new Map(batch.map((e) => [e.id, JSON.parse(JSON.stringify(e)) as Record<string, unknown>]));
    const response = await postEvents(baseUrl, batch, { key: orgA.ingestKey });
    expect(response).toMatchObject({ status: 202, body: { accepted: 1000 } });

    const records = await recordsOf(orgA.orgId, new Set(sent.keys()));
    expect(records).toHaveLength(1000);
    for (const record of records) {
      const value = JSON.parse(record.value ?? '') as Record<string, unknown> & {
        id: string;
        data: Record<string, string>;
      };
      const { orgId, ingestedAt, version, ...envelope } = value;
      expect(envelope).toEqual(sent.get(value.id));
      expect({ orgId, version }).toEqual({ orgId: orgA.orgId, version: 1 });
      expect(Date.parse(ingestedAt as string)).not.toBeNaN();
      const subject =
        value.type === 'one-on-one.held' ? `manager:${value.data.managerId}` : `team:${value.data.teamId}`;
      expect(record.key).toBe(`${orgA.orgId}/${subject}`);
      expect(record.headers).toMatchObject({ 'orgpulse-validated': 'event-v1-rules-1' });
    }
    // one subject, one partition: its events stay in order
    const partitionsBySubject = new Map<string, Set<number>>();
    for (const r of records)
      partitionsBySubject.set(
        r.key ?? '',
        (partitionsBySubject.get(r.key ?? '') ?? new Set()).add(r.partition),
      );
    expect([...partitionsBySubject.values()].every((p) => p.size === 1)).toBe(true);
  });

  it('answers 413 to a client that streams a body over 1 MiB as fast as it can, never a broken pipe', async () => {
    /** Streams `size` bytes to `path`, chunked or with a Content-Length, and says what the client saw. */
    const stream = (path: string, size: number, declared: boolean, contentType: string) =>
      new Promise<string>((resolve) => {
        const headers: Record<string, string> = {
          'content-type': contentType,
          authorization: `Bearer ${orgA.ingestKey}`,
        };
        if (declared) headers['content-length'] = String(size);
        const url = new URL(path, baseUrl);
        const request = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let sent = 0;
        request.on('response', (response) => {
          let body = '';
          response.on('data', (data: Buffer) => (body += data.toString()));
          response.on('end', () =>
            resolve(
              `${response.statusCode} ${(JSON.parse(body) as { errors: { code: string }[] }).errors[0].code}`,
            ),
          );
        });
        request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        const pump = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!request.write(chunk)) return request.once('drain', pump);
          }
          request.end();
        };
        pump();
      });
    const seen: string[] = [];
    for (let i = 0; i < 8; i++)
      for (const declared of [true, false]) {
        seen.push(await stream('/v1/events', 8 * MiB, declared, 'application/json'));
        seen.push(
          await stream(
            '/v1/integrations/2b1f0c3e-0000-4000-8000-000000000000',
            4 * MiB,
            declared,
            'application/x-www-form-urlencoded',
          ),
        );
      }
    expect(new Set(seen)).toEqual(new Set(['413 PAYLOAD_TOO_LARGE']));
  });

  it('accepts a body of exactly 1 MiB', async () => {
    const events = Array.from({ length: 10 }, (_, i) => {
      const event = sampleEvent({ id: `mib-${Date.now()}-${i}` });
      return { ...event, data: { ...event.data, padding: '' } };
    });
    const size = () => Buffer.byteLength(JSON.stringify(events));
    const fill = Math.floor((MiB - size()) / events.length);
    events.forEach((e) => (e.data.padding = 'x'.repeat(fill)));
    events[0].data.padding += 'x'.repeat(MiB - size());
    expect(size()).toBe(MiB);
    expect(await postEvents(baseUrl, JSON.stringify(events), { key: orgA.ingestKey })).toMatchObject({
      status: 202,
      body: { accepted: 10 },
    });
  });

  it('a key of org A never produces an event attributed to org B, whatever the body says', async () => {
    const smuggled = sampleEvent({ orgId: orgB.orgId });
    expect((await postEvents(baseUrl, smuggled, { key: orgA.ingestKey })).status).toBe(400);

    const inData = sampleEvent({}, { orgId: orgB.orgId, teamId: 'shared-team-id' });
    const response = await postEvents(baseUrl, inData, {
      key: orgA.ingestKey,
      headers: { 'X-Org-Id': orgB.orgId },
    });
    expect(response.status).toBe(202);
    const [record] = await readTopicToEnd(kafkaBrokers, Topics.events, (r) => idOf(r.value) === inData.id);
    expect(JSON.parse(record.value ?? '')).toMatchObject({ orgId: orgA.orgId });
    expect(record.key).toBe(`${orgA.orgId}/team:shared-team-id`);
  });

  it('CloudEvents, single and batch, produce the same records as their native equivalents, marked as identified by source and id', async () => {
    const native = [
      sampleEvent({ id: `n-${Date.now()}-1` }),
      sampleEvent({
        id: `n-${Date.now()}-2`,
        type: 'delivery.shipped',
        data: { teamId: 'ce', release: '1.2' },
      }),
    ];
    const asCloudEvent = (e: (typeof native)[number], id: string) => ({
      specversion: '1.0',
      id,
      type: e.type,
      source: e.source,
      time: e.occurredAt,
      datacontenttype: 'application/json',
      data: e.data,
    });
    const single = asCloudEvent(native[0], `ce-${native[0].id}`);
    const batch = native.map((e) => asCloudEvent(e, `ceb-${e.id}`));
    expect((await postEvents(baseUrl, native, { key: orgA.ingestKey })).status).toBe(202);
    expect(
      (
        await postEvents(baseUrl, single, {
          key: orgA.ingestKey,
          contentType: 'application/cloudevents+json',
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await postEvents(baseUrl, batch, {
          key: orgA.ingestKey,
          contentType: 'application/cloudevents-batch+json',
        })
      ).status,
    ).toBe(202);

    const ids = new Set([...native.map((e) => e.id), single.id, ...batch.map((e) => e.id)]);
    const records = await recordsOf(orgA.orgId, ids);
    const byId = new Map(records.map((r) => [idOf(r.value), r]));
    const comparable = (id: string, asId: string) => {
      const record = byId.get(id);
      const {
        ingestedAt: _ingestedAt,
        id: _id,
        idScope,
        ...value
      } = JSON.parse(record?.value ?? '{}') as Record<string, unknown>;
      return {
        key: record?.key,
        partition: record?.partition,
        headers: record?.headers,
        value: { id: asId, ...value },
        idScope,
      };
    };
    const asNative = (id: string) => ({ ...comparable(id, 'x'), idScope: undefined });
    // contract §11: a CloudEvent's identity is its source and id; a native event's its id
    expect(comparable(single.id, 'x')).toEqual({ ...asNative(native[0].id), idScope: 'source' });
    native.forEach((e, i) =>
      expect(comparable(batch[i].id, 'x')).toEqual({ ...asNative(e.id), idScope: 'source' }),
    );
    expect(comparable(native[0].id, 'x').idScope).toBeUndefined();
  });
});
