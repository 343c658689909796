/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- vendor payloads and answers are untyped JSON */
import { Topics } from '@orgpulse/contracts';
import {
  type SpawnedProcess,
  TestDatabase,
  eventually,
  graphql,
  postToReceiver,
  runCli,
  signAsVendor,
  slackCommand,
  spawnApp,
  testEnvironment,
  topicEndOffset,
  vendorFixture,
  vendorJson,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';
import { Client } from 'pg';

interface Org {
  orgId: string;
  ingestKey: string;
  apiToken: string;
}
interface Created {
  id: string;
  kind: string;
  name: string;
  receiverPath: string;
}

const GITHUB_SECRET = 'gh-webhook-secret-0123456789';
const SLACK_SECRET = 'slack-signing-secret-0123456789';
const WINDOW = { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z' };
const CREATE = `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) { id kind name receiverPath } }`;
const DELIVERIES = `query ($id: ID!) { integration(id: $id) { id deliveries(last: 20) { receivedAt vendorDeliveryId outcome reason eventIds } } }`;

describe('integrations: signed vendor receivers through the real stack (contract §9)', () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let acme: Org;
  let github: Created;
  let slack: Created;

  const admin = <T = Record<string, unknown>>(q: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(apiUrl, acme.apiToken, q, variables);
  const create = async (input: Record<string, unknown>) => {
    const answer = await admin<{ createIntegration: Created }>(CREATE, { input });
    expect(answer.errors).toBeUndefined();
    return answer.data!.createIntegration;
  };
  const ships = async () =>
    (
      await admin<{ team: { delivery: { ships: number } } | null }>(
        `query ($w: Window!) { team(id: "payments") { delivery(window: $w) { ships } } }`,
        { w: WINDOW },
      )
    ).data?.team?.delivery.ships ?? 0;
  const deployment = (statusId: number, change: (p: Record<string, any>) => void = () => undefined) =>
    vendorJson('github.deployment_status.json', (p) => {
      p.deployment_status.id = statusId;
      change(p);
    });
  const deliveries = async (id: string) =>
    (
      await admin<{
        integration: {
          deliveries: {
            outcome: string;
            reason: string | null;
            eventIds: string[];
            vendorDeliveryId: string | null;
          }[];
        };
      }>(DELIVERIES, { id })
    ).data!.integration.deliveries;

  beforeAll(async () => {
    db = await TestDatabase.create('integrations');
    const [ingestPort, apiPort, projectorPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `integrations-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort) }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    acme = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Acme'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    github = await create({
      kind: 'GITHUB',
      name: 'GitHub payments',
      secret: GITHUB_SECRET,
      teamMappings: [{ match: 'acme/payments-api', teamId: 'payments' }],
    });
    slack = await create({ kind: 'SLACK', name: 'Slack', secret: SLACK_SECRET, teamMappings: [] });
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db.drop();
  });

  it('creates integrations with their receiver path, lists them, and never returns nor stores the secret in clear', async () => {
    expect(github).toEqual({
      id: expect.any(String),
      kind: 'GITHUB',
      name: 'GitHub payments',
      receiverPath: `/v1/integrations/${github.id}`,
    });
    const listed = await admin<{ integrations: { id: string }[] }>(
      `{ integrations { id kind name receiverPath teamMappings { match teamId } } }`,
    );
    expect(listed.data?.integrations.map((i) => i.id)).toEqual([github.id, slack.id]);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = (
        await client.query<{ row: string }>(`SELECT row_to_json(i)::text AS row FROM integrations i`)
      ).rows;
      expect(rows).toHaveLength(2);
      for (const { row } of rows) expect(row).not.toMatch(/webhook-secret|signing-secret/);
    } finally {
      await client.end();
    }
    const viewer = JSON.parse(
      (await runCli(['token', 'create', '--org', acme.orgId, '--role', 'viewer'], { DATABASE_URL: db.url }))
        .stdout,
    ) as { apiToken: string };
    const refused = await graphql(
      apiUrl,
      viewer.apiToken,
      `
        {
          integrations {
            id
          }
        }
      `,
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('records a verified production deployment as a ship once, however often GitHub delivers it', async () => {
    const first = signAsVendor('GITHUB', GITHUB_SECRET, deployment(1001), { deliveryId: 'delivery-1' });
    expect(await postToReceiver(ingestUrl, github.receiverPath, first)).toEqual({
      status: 202,
      body: { accepted: 1 },
    });
    await eventually(async () => expect(await ships()).toBe(1));

    // GitHub's "redeliver": the same body, a new delivery id
    const again = signAsVendor('GITHUB', GITHUB_SECRET, deployment(1001), { deliveryId: 'delivery-2' });
    expect((await postToReceiver(ingestUrl, github.receiverPath, again)).status).toBe(202);
    // a later deployment of the same team is projected after the redelivery (one subject, one partition)
    const next = signAsVendor('GITHUB', GITHUB_SECRET, deployment(1002), { deliveryId: 'delivery-3' });
    expect((await postToReceiver(ingestUrl, github.receiverPath, next)).status).toBe(202);
    await eventually(async () => expect(await ships()).toBe(2));

    expect((await deliveries(github.id)).slice(0, 3)).toEqual([
      expect.objectContaining({
        vendorDeliveryId: 'delivery-3',
        outcome: 'ACCEPTED',
        eventIds: ['github:acme/payments-api:deployment_status:1002'],
      }),
      expect.objectContaining({
        vendorDeliveryId: 'delivery-2',
        outcome: 'ACCEPTED',
        eventIds: ['github:acme/payments-api:deployment_status:1001'],
      }),
      expect.objectContaining({ vendorDeliveryId: 'delivery-1', outcome: 'ACCEPTED' }),
    ]);
  });

  it('answers 200 with the reason for what maps to nothing, and records it', async () => {
    const cases: [string, string, string][] = [
      ['ping', vendorFixture('github.ping.json'), 'ping'],
      ['deployment_status', deployment(2001, (p) => (p.repository.full_name = 'acme/unmapped')), 'unmapped'],
      [
        'deployment_status',
        deployment(2002, (p) => (p.deployment_status.environment = 'staging')),
        'environment staging is not a production environment',
      ],
    ];
    for (const [event, body, reason] of cases) {
      const request = signAsVendor('GITHUB', GITHUB_SECRET, body, { event, deliveryId: `ignored-${reason}` });
      expect(await postToReceiver(ingestUrl, github.receiverPath, request)).toEqual({
        status: 200,
        body: { ignored: reason },
      });
    }
    expect(await deliveries(github.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          vendorDeliveryId: 'ignored-unmapped',
          outcome: 'IGNORED',
          reason: 'unmapped',
          eventIds: [],
        }),
        expect.objectContaining({ outcome: 'IGNORED', reason: 'ping' }),
      ]),
    );
  });

  it('answers Slack commands in Slack message format', async () => {
    const recorded = await postToReceiver(
      ingestUrl,
      slack.receiverPath,
      signAsVendor('SLACK', SLACK_SECRET, slackCommand('interview payments pm', '1111.2222.aaaa')),
    );
    expect(recorded).toEqual({
      status: 200,
      body: { response_type: 'in_channel', text: 'Recorded: an interview by payments with pm.' },
    });
    const malformed = await postToReceiver(
      ingestUrl,
      slack.receiverPath,
      signAsVendor('SLACK', SLACK_SECRET, slackCommand('blocked payments lunch', '1111.2222.bbbb')),
    );
    expect(malformed.status).toBe(200);
    expect(malformed.body).toEqual({ response_type: 'ephemeral', text: expect.stringContaining('Usage:') });
    expect((await deliveries(slack.id)).map((d) => d.outcome)).toEqual(['IGNORED', 'ACCEPTED']);
  });

  it('blocks and unblocks a team from Jira flags and Linear states, signed as they sign', async () => {
    const JIRA_SECRET = 'jira-webhook-secret-0123456789';
    const LINEAR_SECRET = 'linear-webhook-secret-0123456789';
    const jira = await create({
      kind: 'JIRA',
      name: 'Jira',
      secret: JIRA_SECRET,
      teamMappings: [{ match: 'PAY', teamId: 'checkout' }],
    });
    const linear = await create({
      kind: 'LINEAR',
      name: 'Linear',
      secret: LINEAR_SECRET,
      teamMappings: [{ match: 'PAY', teamId: 'billing' }],
    });
    const team = async (id: string) =>
      (
        await admin<{ team: { blocked: boolean; blockedSince: string | null } | null }>(
          `query ($id: ID!) { team(id: $id) { blocked blockedSince } }`,
          { id },
        )
      ).data?.team;

    const flagged = vendorFixture('jira.issue_updated.flagged.json');
    expect(
      await postToReceiver(ingestUrl, jira.receiverPath, signAsVendor('JIRA', JIRA_SECRET, flagged)),
    ).toEqual({ status: 202, body: { accepted: 1 } });
    await eventually(async () =>
      expect(await team('checkout')).toEqual({ blocked: true, blockedSince: '2025-11-20T15:10:55.000Z' }),
    );
    const cleared = vendorFixture('jira.issue_updated.flag-cleared.json');
    expect(
      (await postToReceiver(ingestUrl, jira.receiverPath, signAsVendor('JIRA', JIRA_SECRET, cleared))).status,
    ).toBe(202);
    await eventually(async () =>
      expect(await team('checkout')).toEqual({ blocked: false, blockedSince: null }),
    );

    const now = Date.now();
    const intoBlocked = vendorJson('linear.issue_update.json', (p) => {
      p.webhookTimestamp = now;
      p.data.updatedAt = new Date(now - 60_000).toISOString();
    });
    expect(
      await postToReceiver(
        ingestUrl,
        linear.receiverPath,
        signAsVendor('LINEAR', LINEAR_SECRET, intoBlocked),
      ),
    ).toEqual({ status: 202, body: { accepted: 1 } });
    await eventually(async () => expect(await team('billing')).toMatchObject({ blocked: true }));
    const stale = vendorJson('linear.issue_update.json', (p) => (p.webhookTimestamp = now - 2 * 60_000));
    expect(
      (await postToReceiver(ingestUrl, linear.receiverPath, signAsVendor('LINEAR', LINEAR_SECRET, stale)))
        .status,
    ).toBe(401);
  });

  it('refuses with 401 a wrong signature, a stale Slack timestamp, an unknown or a deleted integration, and nothing reaches Kafka', async () => {
    const doomed = await create({
      kind: 'GITHUB',
      name: 'to delete',
      secret: GITHUB_SECRET,
      teamMappings: [{ match: 'acme/payments-api', teamId: 'payments' }],
    });
    expect(
      (
        await admin<{ deleteIntegration: boolean }>(`mutation ($id: ID!) { deleteIntegration(id: $id) }`, {
          id: doomed.id,
        })
      ).data,
    ).toEqual({
      deleteIntegration: true,
    });
    const before = await topicEndOffset(kafkaBrokers, Topics.events);
    const body = deployment(3001);
    const refusals: [string, string, ReturnType<typeof signAsVendor>][] = [
      ['a wrong signature', github.receiverPath, signAsVendor('GITHUB', 'not-the-secret-at-all', body)],
      [
        'an unknown integration',
        '/v1/integrations/2b1f0c3e-0000-4000-8000-000000000000',
        signAsVendor('GITHUB', GITHUB_SECRET, body),
      ],
      ['an id that is not one', '/v1/integrations/nope', signAsVendor('GITHUB', GITHUB_SECRET, body)],
      ['a deleted integration', doomed.receiverPath, signAsVendor('GITHUB', GITHUB_SECRET, body)],
      [
        'a stale Slack timestamp',
        slack.receiverPath,
        signAsVendor('SLACK', SLACK_SECRET, slackCommand('unblocked payments', '1111.2222.cccc'), {
          slackTimestamp: Math.floor(Date.now() / 1000) - 6 * 60,
        }),
      ],
    ];
    for (const [given, path, request] of refusals) {
      const answer = await postToReceiver(ingestUrl, path, request);
      expect({ given, status: answer.status, code: answer.body?.errors?.[0]?.code }).toEqual({
        given,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
    expect(await topicEndOffset(kafkaBrokers, Topics.events)).toBe(before);
    expect((await deliveries(slack.id)).map((d) => d.outcome)).toEqual(['IGNORED', 'ACCEPTED']);
  });
});
