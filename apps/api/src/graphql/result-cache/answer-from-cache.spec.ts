import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from './org-data-versions';
import { ResultCache } from './result-cache';
import { answerFromCache } from './answer-from-cache';

const versions = { listening: true, of: () => 0, epochOf: () => 0 } as unknown as OrgDataVersions;
const query = '{ teams { id } }';

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

describe('answering a cached result over HTTP before Apollo', () => {
  let store: ApiCache;
  let hook: Hook;

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
    await hook(request, reply);
    return sent ?? 'apollo';
  };

  beforeEach(() => {
    store = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 2_000 });
    const cache = new ResultCache(versions, store);
    cache.lead(cache.keyOf({ orgId: 'org-a', groupId: null, query, variables: {} }), 'org-a')!(
      JSON.stringify({ data: { teams: [] } }),
    );
    const fastify = { addHook: (_name: string, registered: Hook) => (hook = registered) };
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
});
