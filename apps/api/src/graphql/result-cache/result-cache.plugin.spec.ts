import { type OperationDefinitionNode, parse } from 'graphql';
import { ApiCache } from '../../cache/api-cache';
import type { OrgDataVersions } from './org-data-versions';
import { ResultCache } from './result-cache';
import { resultCachePlugin } from './result-cache.plugin';

type Hooks = {
  responseForOperation: (rc: unknown) => Promise<{ body: { singleResult: unknown } } | null>;
  willSendResponse: (rc: unknown) => Promise<void>;
};

const operation = (query: string) => parse(query).definitions[0] as OperationDefinitionNode;

class FakeVersions {
  listening = true;
  private readonly versions = new Map<string, number>();
  private readonly epochs = new Map<string, number>();
  of(orgId: string) {
    return this.versions.get(orgId) ?? 0;
  }
  epochOf(orgId: string) {
    return this.epochs.get(orgId) ?? 0;
  }
  bump(orgId: string) {
    this.versions.set(orgId, this.of(orgId) + 1);
  }
  wrote(orgId: string) {
    this.bump(orgId);
    this.epochs.set(orgId, this.epochOf(orgId) + 1);
  }
}

describe('the result cache plugin', () => {
  let clock = 0;
  let versions: FakeVersions;
  let plugin: ReturnType<typeof resultCachePlugin>;
  let cache: ResultCache;
  let store: ApiCache;
  beforeEach(() => {
    clock = 1_000;
    versions = new FakeVersions();
    store = new ApiCache({ maxBytes: 1_000_000, maxAgeMs: 2_000, now: () => clock });
    cache = new ResultCache(versions as unknown as OrgDataVersions, store);
    plugin = resultCachePlugin(cache);
  });
  afterEach(() => store.stop());

  const request = (
    query: string,
    orgId = 'org-a',
    variables: Record<string, unknown> = {},
    groupId: string | null = null,
  ) => ({
    contextValue: { orgId, principal: { orgId, groupId } },
    operation: operation(query),
    operationName: null,
    request: { query, variables },
    response: {
      http: { headers: new Map() },
      body: { kind: 'single', singleResult: { data: { computed: query } } },
    },
  });
  const start = async () => await (plugin.requestDidStart as (rc: unknown) => Promise<Hooks>)({});
  /** One request through the hooks: the cached result, or null when it had to be computed. */
  const serve = async (rc: ReturnType<typeof request>) => {
    const hooks = await start();
    const cached = await hooks.responseForOperation(rc);
    await hooks.willSendResponse(rc);
    return cached?.body.singleResult ?? null;
  };

  const teams = '{ teams { id } }';
  it.each<[string, () => Promise<unknown>, unknown]>([
    ['the first query is computed', () => serve(request(teams)), null],
    [
      'the same query again is served from cache',
      async () => (await serve(request(teams)), serve(request(teams))),
      { data: { computed: teams } },
    ],
    [
      'another org is computed',
      async () => (await serve(request(teams)), serve(request(teams, 'org-b'))),
      null,
    ],
    [
      'a token scoped to a group of the same org is computed',
      async () => (await serve(request(teams)), serve(request(teams, 'org-a', {}, 'g1'))),
      null,
    ],
    [
      'the same group scope again is served from cache',
      async () => (await serve(request(teams, 'org-a', {}, 'g1')), serve(request(teams, 'org-a', {}, 'g1'))),
      { data: { computed: teams } },
    ],
    [
      'other variables are computed',
      async () => (await serve(request(teams)), serve(request(teams, 'org-a', { x: 1 }))),
      null,
    ],
    [
      'after the data version moved, the next request computes it',
      async () => (await serve(request(teams)), versions.bump('org-a'), serve(request(teams))),
      null,
    ],
    [
      'after maxAge it is computed',
      async () => (await serve(request(teams)), (clock += 2_001), serve(request(teams))),
      null,
    ],
    [
      'before half of maxAge it is served',
      async () => (await serve(request(teams)), (clock += 999), serve(request(teams))),
      { data: { computed: teams } },
    ],
    [
      'past half of maxAge the next request computes it',
      async () => (await serve(request(teams)), (clock += 1_001), serve(request(teams))),
      null,
    ],
    [
      "the page's blocked teams and managers with their counts (connections of read models) are served from cache",
      async () => {
        const page =
          '{ teams(blocked: true) { id } blockedCount: teamsConnection(blocked: true, first: 0) { totalCount } managers { id } managerCount: managersConnection(first: 0) { totalCount } }';
        await serve(request(page));
        return serve(request(page));
      },
      {
        data: {
          computed:
            '{ teams(blocked: true) { id } blockedCount: teamsConnection(blocked: true, first: 0) { totalCount } managers { id } managerCount: managersConnection(first: 0) { totalCount } }',
        },
      },
    ],
    [
      'alerts are never cached',
      async () => (await serve(request('{ alerts { id } }')), serve(request('{ alerts { id } }'))),
      null,
    ],
    [
      'a query mixing alerts and teams is never cached',
      async () => (
        await serve(request('{ teams { id } alerts { id } }')),
        serve(request('{ teams { id } alerts { id } }'))
      ),
      null,
    ],
    [
      'nothing is cached while the listener is down',
      async () => ((versions.listening = false), await serve(request(teams)), serve(request(teams))),
      null,
    ],
  ])('%s', async (_case, when, expected) => {
    expect(await when()).toEqual(expected);
  });

  it('stores the response bytes a hit writes as they are', async () => {
    await serve(request(teams));
    const found = await cache.lookup(cache.keyOf({ orgId: 'org-a', query: teams, variables: {} }), 'org-a');
    expect(found?.toString('utf8')).toBe(JSON.stringify({ data: { computed: teams } }));
  });

  it('a mutation makes its org cached answers unusable at once, even while another request recomputes', async () => {
    await serve(request(teams));
    const recomputing = await start();
    versions.bump('org-a');
    await recomputing.responseForOperation(request(teams)); // leads the refresh
    await serve(request('mutation { updateSettings(input: {}) { discoveryTarget } }'));
    expect(versions.epochOf('org-a')).toBe(1);
    expect(await serve(request(teams))).toBeNull();
  });

  it('a result computed while its data changed is served only while the next request recomputes it', async () => {
    const hooks = await start();
    const rc = request(teams);
    await hooks.responseForOperation(rc);
    versions.bump('org-a');
    await hooks.willSendResponse(rc);
    const refresh = await start();
    expect(await refresh.responseForOperation(request(teams))).toBeNull(); // this one recomputes
    expect(await serve(request(teams))).toEqual({ data: { computed: teams } }); // the others need not wait
  });

  it('after a change, one request recomputes while every other one is answered the previous result', async () => {
    await serve(request(teams));
    versions.bump('org-a');
    const refresh = await start();
    const refreshing = request(teams);
    refreshing.response.body.singleResult = { data: { computed: 'fresh' } };
    expect(await refresh.responseForOperation(refreshing)).toBeNull();
    for (let i = 0; i < 3; i++) expect(await serve(request(teams))).toEqual({ data: { computed: teams } });
    await refresh.willSendResponse(refreshing);
    expect(await serve(request(teams))).toEqual({ data: { computed: 'fresh' } });
  });

  it('concurrent requests wait for the one computing the result', async () => {
    const leader = await start();
    const rc = request(teams);
    expect(await leader.responseForOperation(rc)).toBeNull();
    const waiter = (await start()).responseForOperation(request(teams));
    await leader.willSendResponse(rc);
    expect((await waiter)?.body.singleResult).toEqual({ data: { computed: teams } });
  });

  it('over HTTP (a request answer-from-cache saw) stores the bytes Apollo sends, not a serialisation of its own', async () => {
    const leader = await start();
    const http: { resultCacheKey: string; resultCacheFill?: (body: string | undefined) => void } = {
      resultCacheKey: cache.keyOf({ orgId: 'org-a', query: teams, variables: {} }),
    };
    const rc = { ...request(teams), contextValue: { ...request(teams).contextValue, req: http } };
    expect(await leader.responseForOperation(rc)).toBeNull();
    let answered = false;
    const waiter = (await start()).responseForOperation(request(teams)).finally(() => (answered = true));
    await leader.willSendResponse(rc);
    await new Promise((resolve) => setImmediate(resolve));
    // the waiting request is answered with the bytes sent, not before
    expect(answered).toBe(false);
    http.resultCacheFill!('{"data":{"computed":"as sent"}}\n');
    expect((await waiter)?.body.singleResult).toEqual({ data: { computed: 'as sent' } });
  });
});
