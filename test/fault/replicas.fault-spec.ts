import { Topics } from '@orgpulse/contracts';
import {
  KafkaCluster,
  WebhookReceiver,
  eventually,
  graphql,
  postEvents,
  readWholeTopic,
} from '@orgpulse/testing';
import { type ReplicaStack as Stack, ReplicaStack } from './support/replica-stack';

const RESULT_CACHE_MS = 2_000;
const RATE = { perSecond: 5, burst: 10 };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
// one window for every dashboard query, so that replicas can answer it from their result cache
const WINDOW = { from: daysAgo(30), to: daysAgo(-1) };

async function teamOf(apiUrl: string, token: string, teamId: string): Promise<string | null> {
  const answer = await graphql<{ team: { id: string } | null }>(
    `${apiUrl}/graphql`,
    token,
    `{ team(id: "${teamId}") { id } }`,
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return answer.data?.team?.id ?? null;
}

async function idleCostOf(apiUrl: string, token: string): Promise<(number | null)[]> {
  const answer = await graphql<{ teams: { idleness: { idleCost: number | null } }[] }>(
    `${apiUrl}/graphql`,
    token,
    `
      query ($w: Window!) {
        teams {
          idleness(window: $w) {
            idleCost
          }
        }
      }
    `,
    { w: WINDOW },
  );
  if (answer.errors) throw new Error(JSON.stringify(answer.errors));
  return (answer.data?.teams ?? []).map((t) => t.idleness.idleCost);
}

/**
 * Two replicas of every app (ingest, projector, API, alerter) on a 3-node Kafka cluster and one
 * PostgreSQL, as the Helm chart runs them, while a multi-org stream flows through both ingests: what
 * users see across replicas (an alert raised once, a revoked token refused everywhere, a new event
 * visible everywhere, rate limits and caches as documented), then one of each SIGKILLed, and the
 * stream reconciled as the fault suite does (0 lost, 0 doubled).
 */
describe('fault: 2 replicas of each app on a 3-node cluster, one of each SIGKILLed while a stream flows', () => {
  jest.setTimeout(420_000);
  let cluster: KafkaCluster;
  let stack: Stack;
  let webhook: WebhookReceiver;
  let probe: { orgId: string; ingestKey: string; apiToken: string };
  let rateOrg: { orgId: string; ingestKey: string };
  let viewer: string;

  beforeAll(async () => {
    cluster = await KafkaCluster.create(3);
    await cluster.start();
    stack = await ReplicaStack.start('replicas', cluster.brokers, 2, {
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      PROJECTOR_SESSION_TIMEOUT_MS: '6000',
      ALERTER_INTERVAL_MS: '2000',
      ALERTER_RETRY_BASE_MS: '200',
      ALERTER_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
      API_RESULT_CACHE_MS: String(RESULT_CACHE_MS),
      INGEST_RATE_LIMIT_PER_SECOND: String(RATE.perSecond),
      INGEST_RATE_LIMIT_BURST: String(RATE.burst),
    });
    const [loadOrgs, probeOrg, rate] = await Promise.all([
      Promise.all([0, 1, 2].map((i) => stack.createOrg(`Replicas load ${i}`))),
      stack.createOrg('Replicas probe'),
      stack.createOrg('Replicas rate'),
    ]);
    stack.orgs.push(...loadOrgs);
    probe = probeOrg;
    rateOrg = rate;
    viewer = (
      JSON.parse(await stack.cli(['token', 'create', '--org', probe.orgId, '--role', 'viewer'])) as {
        apiToken: string;
      }
    ).apiToken;
    webhook = await WebhookReceiver.start();
    const [api] = stack.urls('api');
    const registered = await graphql(
      `${api}/graphql`,
      probe.apiToken,
      `mutation { registerWebhook(url: "${webhook.url}", secret: "a-secret-of-sixteen-plus", format: json) { id } }`,
    );
    expect(registered.errors).toBeUndefined();
  });

  afterAll(async () => {
    await stack?.stop();
    await webhook?.close();
    await cluster?.stop();
  });

  it('serves users alike from every replica, loses and doubles nothing when one of each dies', async () => {
    // stopped explicitly, a while after the kills
    const load = stack.load({ eventsPerSecond: 150, durationMs: 180_000 });
    let acceptedAtRecovery = 0;
    try {
      const [ingestA, ingestB] = stack.urls('ingest');
      const apis = stack.urls('api');

      // a new event is visible through every API replica, whatever each had cached before it
      for (const api of apis) expect(await teamOf(api, probe.apiToken, 'idle-team')).toBeNull();
      const posted = await postEvents(
        ingestB,
        [
          {
            id: 'idle-register',
            type: 'team.registered',
            occurredAt: daysAgo(3),
            data: { teamId: 'idle-team', name: 'Idle', headcount: 6 },
          },
          {
            id: 'idle-block',
            type: 'team.blocked',
            occurredAt: daysAgo(3),
            data: { teamId: 'idle-team', reason: 'decision-pending' },
          },
        ],
        { key: probe.ingestKey },
      );
      expect(posted.status).toBe(202);
      for (const api of apis)
        await eventually(
          async () => expect(await teamOf(api, probe.apiToken, 'idle-team')).toBe('idle-team'),
          {
            timeoutMs: 30_000,
          },
        );
      stack.mark('the new team is visible through both API replicas');

      // the alert its block raises (both alerters evaluate the org) is raised once, delivered once
      await eventually(() => expect(webhook.accepted().length).toBeGreaterThan(0), { timeoutMs: 60_000 });
      stack.mark('TEAM_IDLE delivered to the webhook');

      // a revoked token is refused by every API replica within 2 s
      for (const api of apis) expect(await teamOf(api, viewer, 'idle-team')).toBe('idle-team');
      await stack.cli(['token', 'revoke', viewer]);
      const revokedAt = Date.now();
      await Promise.all(
        apis.map((api) =>
          eventually(
            async () => {
              const answer = await graphql(`${api}/graphql`, viewer, '{ teams { id } }');
              expect(answer.status).toBe(401);
            },
            { timeoutMs: Math.max(0, 2_000 - (Date.now() - revokedAt)), intervalMs: 50 },
          ),
        ),
      );
      stack.mark(`the revoked token refused by both API replicas after ${Date.now() - revokedAt} ms`);

      // caches: a mutation on one replica is seen at once there, and on the others once their cached
      // results expire (API_RESULT_CACHE_MS), as the README says
      for (const api of apis) expect(await idleCostOf(api, probe.apiToken)).toEqual([null]);
      const updated = await graphql(
        `${apis[0]}/graphql`,
        probe.apiToken,
        'mutation { updateSettings(input: { idleCostPerPersonDay: 500 }) { idleCostPerPersonDay } }',
      );
      expect(updated.errors).toBeUndefined();
      expect((await idleCostOf(apis[0], probe.apiToken))[0]).toBeGreaterThan(0);
      await eventually(
        async () => expect((await idleCostOf(apis[1], probe.apiToken))[0]).toBeGreaterThan(0),
        {
          timeoutMs: RESULT_CACHE_MS + 1_000,
        },
      );

      // rate limits are per ingest replica (a token bucket each): one replica refusing a key does not
      // make another refuse it
      const burst = (url: string, n: number, prefix: string) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            postEvents(
              url,
              { id: `${prefix}-${i}`, type: 'team.unblocked', occurredAt: daysAgo(1), data: { teamId: 'r' } },
              { key: rateOrg.ingestKey },
            ),
          ),
        );
      const onA = await burst(ingestA, 4 * RATE.burst, 'rate-a');
      const refusedOnA = onA.filter((r) => r.status === 429);
      expect(refusedOnA.length).toBeGreaterThan(0);
      expect(refusedOnA.every((r) => Number(r.headers.get('retry-after')) >= 1)).toBe(true);
      const onB = await burst(ingestB, RATE.burst / 2, 'rate-b');
      expect(onB.map((r) => r.status)).toEqual(onB.map(() => 202));
      stack.mark(`rate limit: ${refusedOnA.length} refused by ingest 0, none of ${onB.length} by ingest 1`);

      // one of each dies, mid-stream
      await pause(2_000);
      for (const app of ['ingest', 'projector', 'api', 'alerter'] as const)
        await stack.kill(stack.of(app)[0]);
      const killedAt = Date.now();
      acceptedAtRecovery = load.ledger.acceptedKeys.length;

      // the survivors go on: a new event is visible through the surviving API
      const [survivingApi] = stack.alive('api').map((r) => r.url);
      expect(
        (
          await postEvents(
            ingestB,
            {
              id: 'after-kill',
              type: 'team.registered',
              occurredAt: daysAgo(1),
              data: { teamId: 'after-kill', name: 'After', headcount: 2 },
            },
            { key: probe.ingestKey },
          )
        ).status,
      ).toBe(202);
      await eventually(
        async () => expect(await teamOf(survivingApi, probe.apiToken, 'after-kill')).toBe('after-kill'),
        { timeoutMs: 60_000 },
      );
      // the stream goes on for a while through the survivors (the group rebalances meanwhile)
      await pause(Math.max(0, killedAt + 15_000 - Date.now()));
    } finally {
      load.stop();
    }
    await load.finished();

    const problems = await stack.reconcile(load, acceptedAtRecovery);
    expect(problems).toEqual([]);

    // raised once: one alert, one CloudEvent id on the topic and at the webhook (both alerters evaluated it)
    const alerts = await stack.db.query<{ id: string }>(
      `SELECT id FROM alerts WHERE org_id = $1 AND rule = 'TEAM_IDLE' AND subject_id = 'idle-team'`,
      [probe.orgId],
    );
    expect(alerts).toHaveLength(1);
    const raisedId = `${alerts[0].id}:raised`;
    const onTopic = await readWholeTopic(cluster.brokers, Topics.alerts);
    const topicIds = new Set(
      onTopic
        .map((r) => JSON.parse(r.value ?? '{}') as { id?: string; subject?: string })
        .filter((e) => e.subject === 'idle-team')
        .map((e) => e.id),
    );
    expect([...topicIds]).toEqual([raisedId]);
    const hookIds = new Set(
      webhook
        .accepted()
        .map((r) => JSON.parse(r.body) as { id: string; subject?: string })
        .filter((e) => e.subject === 'idle-team')
        .map((e) => e.id),
    );
    expect([...hookIds]).toEqual([raisedId]);
  });
});
