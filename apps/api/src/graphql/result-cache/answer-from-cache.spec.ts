import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from './org-data-versions';
import { ResultCache } from './result-cache';
import { answerFromCache } from './answer-from-cache';

const versions = { listening: true, of: () => 0, epochOf: () => 0 } as unknown as OrgDataVersions;
const query = '{ teams { id } }';

type Hook = (request: FastifyRequest, reply: FastifyReply, payload?: unknown) => Promise<unknown>;

describe('answering a cached result over HTTP before Apollo', () => {
  let store: ApiCache;
  let cache: ResultCache;
  let hooks: Record<string, Hook>;

  /** What the preHandler hook wrote, or 'apollo' when it let the route (Apollo) answer. */
  const serve = async (
    body: unknown,
    { groupId = null as string | null, method = 'POST', contentType = 'application/json' } = {},
  ) => {
    let sent: string | undefined;
    const reply = {
      code: () => reply,
      header: () => reply,
      send: (bytes: Buffer) => {
        sent = bytes.toString('utf8');
        return reply;
      },
    } as unknown as FastifyReply;
    const request = {
      method,
      body,
      headers: { 'content-type': contentType },
      routeOptions: { url: '/graphql' },
      principal: { orgId: 'org-a', role: 'viewer', groupId },
    } as unknown as FastifyRequest;
    await hooks.preHandler(request, reply);
    return sent ?? 'apollo';
  };

  beforeEach(() => {
    store = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 2_000 });
    cache = new ResultCache(versions, store);
    cache.lead(cache.keyOf({ orgId: 'org-a', groupId: null, query, variables: {} }), 'org-a')!(
      JSON.stringify({ data: { teams: [] } }),
    );
    hooks = {};
    const fastify = { addHook: (name: string, registered: Hook) => (hooks[name] = registered) };
    answerFromCache(fastify as unknown as FastifyInstance, cache, '/graphql');
  });
  afterEach(() => store.stop());

  it.each<[string, unknown, { groupId?: string | null; method?: string; contentType?: string }, string]>([
    ['the same query writes the stored bytes', { query, variables: {} }, {}, '{"data":{"teams":[]}}'],
    [
      'with a charset too',
      { query, variables: {} },
      { contentType: 'application/json; charset=utf-8' },
      '{"data":{"teams":[]}}',
    ],
    // a form can send these without a preflight: Apollo's CSRF rule judges them
    [
      'a form body goes to Apollo',
      { query, variables: {} },
      { contentType: 'application/x-www-form-urlencoded' },
      'apollo',
    ],
    ['a text/plain body goes to Apollo', { query, variables: {} }, { contentType: 'text/plain' }, 'apollo'],
    ['other variables go to Apollo', { query, variables: { x: 1 } }, {}, 'apollo'],
    ['a group-scoped token of the org goes to Apollo', { query, variables: {} }, { groupId: 'g1' }, 'apollo'],
    ['a GET goes to Apollo', { query, variables: {} }, { method: 'GET' }, 'apollo'],
    ['a body without a query goes to Apollo', { variables: {} }, {}, 'apollo'],
    ['variables that are not an object go to Apollo', { query, variables: [1] }, {}, 'apollo'],
  ])('%s', async (_case, body, options, expected) => {
    expect(await serve(body, options)).toBe(expected);
  });

  describe("storing Apollo's bytes of a computed answer (onSend), not a second serialisation", () => {
    const other = '{ teams { id name } }';
    const computed = async (status: number, payload: unknown, settle: string[]) => {
      const key = cache.keyOf({ orgId: 'org-a', groupId: null, query: other, variables: {} });
      const stored: (string | undefined)[] = [];
      const lead = cache.lead(key, 'org-a')!;
      const request = {
        resultCacheFill: (body: string | undefined) => (stored.push(body), lead(body)),
      } as unknown as FastifyRequest;
      const reply = { statusCode: status } as unknown as FastifyReply;
      for (const name of settle) {
        const returned = await hooks[name](request, reply, payload);
        // onSend passes the payload on unchanged
        if (name === 'onSend') expect(returned).toBe(payload);
      }
      return stored;
    };

    it('a 200 answer is stored as sent, once, and answers the next request', async () => {
      const sentByApollo = '{"data":{"teams":[{"id":"t1","name":"A"}]}}\n';
      expect(await computed(200, sentByApollo, ['onSend', 'onResponse'])).toEqual([sentByApollo]);
      expect(await serve({ query: other, variables: {} })).toBe(sentByApollo);
    });

    it.each<[string, number, unknown, string[]]>([
      ['an error status', 500, '{"errors":[]}', ['onSend', 'onResponse']],
      ['a streamed body', 200, { pipe: () => undefined }, ['onSend', 'onResponse']],
      ['a reply that never reached onSend', 200, undefined, ['onResponse']],
      ['an aborted request', 200, undefined, ['onRequestAbort', 'onResponse']],
    ])('%s stores nothing and releases the waiting requests once', async (_case, status, payload, settle) => {
      expect(await computed(status, payload, settle)).toEqual([undefined]);
      expect(await serve({ query: other, variables: {} })).toBe('apollo');
    });
  });
});
