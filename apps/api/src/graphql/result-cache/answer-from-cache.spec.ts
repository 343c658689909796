import type { Response } from 'express';
import type { AuthenticatedRequest } from '../../auth/api-token.middleware';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from './org-data-versions';
import { ResultCache } from './result-cache';
import { answerFromCache } from './answer-from-cache';

const versions = { listening: true, of: () => 0, epochOf: () => 0 } as unknown as OrgDataVersions;
const query = '{ teams { id } }';

const request = (body: unknown, groupId: string | null = null, method = 'POST') =>
  ({
    method,
    body,
    principal: { orgId: 'org-a', role: 'viewer', groupId },
  }) as unknown as AuthenticatedRequest;

/** Runs the middleware: the bytes it wrote, or 'next' when it let Apollo answer. */
async function serve(cache: ResultCache | null, req: AuthenticatedRequest): Promise<string> {
  return new Promise((resolve) => {
    const res = {
      status: () => res,
      setHeader: () => res,
      end: (bytes: Buffer) => resolve(bytes.toString('utf8')),
    } as unknown as Response;
    answerFromCache(cache, req, res, () => resolve('next'));
  });
}

describe('answering a cached result over HTTP before Apollo', () => {
  let cache: ResultCache;
  let store: ApiCache;
  beforeEach(() => {
    store = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 2_000 });
    cache = new ResultCache(versions, store);
    cache.lead(cache.keyOf({ orgId: 'org-a', groupId: null, query, variables: {} }), 'org-a')!(
      JSON.stringify({ data: { teams: [] } }),
    );
  });
  afterEach(() => store.stop());

  it.each<[string, AuthenticatedRequest, string]>([
    ['the same query writes the stored bytes', request({ query, variables: {} }), '{"data":{"teams":[]}}'],
    ['other variables go to Apollo', request({ query, variables: { x: 1 } }), 'next'],
    ['a group-scoped token of the org goes to Apollo', request({ query, variables: {} }, 'g1'), 'next'],
    ['a GET goes to Apollo', request({ query, variables: {} }, null, 'GET'), 'next'],
    ['a body without a query goes to Apollo', request({ variables: {} }), 'next'],
    ['variables that are not an object go to Apollo', request({ query, variables: [1] }), 'next'],
  ])('%s', async (_case, req, expected) => {
    expect(await serve(cache, req)).toBe(expected);
  });

  it('with caching off, every request goes to Apollo', async () => {
    expect(await serve(null, request({ query, variables: {} }))).toBe('next');
  });
});
