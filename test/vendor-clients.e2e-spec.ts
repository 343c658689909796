/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access -- vendor payloads and answers are untyped JSON */
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import webhookExamples from '@octokit/webhooks-examples';
import { sign } from '@octokit/webhooks-methods';
import { isValidSlackRequest } from '@slack/bolt';
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
  vendorJson,
  waitForHealthy,
  freePorts,
} from '@orgpulse/testing';

/**
 * The receivers with what vendors really send: GitHub's published example payloads (octokit/webhooks),
 * signed with Octokit's own helper, in both content types GitHub offers (form-encoded is the default of a
 * webhook made in GitHub's settings); Slack and Linear deliveries that their own SDKs' verifiers accept.
 */

interface Org {
  orgId: string;
  apiToken: string;
}
interface Created {
  id: string;
  receiverPath: string;
}
interface Delivery {
  outcome: string;
  reason: string | null;
  vendorDeliveryId: string | null;
  eventIds: string[];
}

const GITHUB_SECRET = 'octokit-signed-secret-0123456789';
const SLACK_SECRET = 'bolt-checked-signing-secret-0123';
const LINEAR_SECRET = 'linear-sdk-checked-secret-0123456';
const CREATE = `mutation ($input: CreateIntegrationInput!) { createIntegration(input: $input) { id receiverPath } }`;
const DELIVERIES = `query ($id: ID!) { integration(id: $id) { deliveries(last: 50) { outcome reason vendorDeliveryId eventIds } } }`;

type Example = Record<string, any>;
const examples = (event: string): Example[] =>
  (webhookExamples as unknown as { name: string; examples: Example[] }[]).find((e) => e.name === event)
    ?.examples ?? [];

/** A GitHub delivery exactly as GitHub sends it: the body in the content type chosen, signed by Octokit. */
async function githubDelivery(
  payload: Example,
  event: string,
  deliveryId: string,
  contentType: 'json' | 'form',
): Promise<{ headers: Record<string, string>; body: string }> {
  const json = JSON.stringify(payload);
  const body = contentType === 'json' ? json : new URLSearchParams({ payload: json }).toString();
  return {
    body,
    headers: {
      'content-type': contentType === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-hub-signature-256': await sign(GITHUB_SECRET, body),
    },
  };
}

describe("vendor receivers with the vendors' own payloads and signing helpers (contract §9)", () => {
  jest.setTimeout(300_000);
  const { kafkaBrokers } = testEnvironment();
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  let ingestUrl: string;
  let apiUrl: string;
  let org: Org;
  let github: Created;
  let releases: Created;

  const admin = <T>(query: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(apiUrl, org.apiToken, query, variables);
  const create = async (input: Record<string, unknown>) => {
    const answer = await admin<{ createIntegration: Created }>(CREATE, { input });
    expect(answer.errors).toBeUndefined();
    return answer.data!.createIntegration;
  };
  const deliveries = async (id: string) =>
    (await admin<{ integration: { deliveries: Delivery[] } }>(DELIVERIES, { id })).data!.integration
      .deliveries;
  const ships = async (teamId: string) =>
    (
      await admin<{ team: { delivery: { ships: number } } | null }>(
        `query ($id: ID!) { team(id: $id) { delivery(window: {from: "2018-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z"}) { ships } } }`,
        { id: teamId },
      )
    ).data?.team?.delivery.ships ?? 0;

  beforeAll(async () => {
    db = await TestDatabase.create('vendor_clients');
    const [ingestPort, apiPort, projectorPort] = await freePorts(3);
    ingestUrl = `http://127.0.0.1:${ingestPort}`;
    apiUrl = `http://127.0.0.1:${apiPort}/graphql`;
    const common = { KAFKA_BROKERS: kafkaBrokers, HOST: '127.0.0.1', DATABASE_URL: db.url };
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ingestPort) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(projectorPort),
        PROJECTOR_GROUP_ID: `vendor-clients-${projectorPort}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(apiPort) }),
    );
    await waitForHealthy(`${ingestUrl}/health`, apps[0]);
    await waitForHealthy(`http://127.0.0.1:${projectorPort}/health`, apps[1]);
    await waitForHealthy(`http://127.0.0.1:${apiPort}/health`, apps[2]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Codertocat'], { DATABASE_URL: db.url })).stdout,
    ) as Org;
    // the examples' repository, as GitHub's documentation names it
    github = await create({
      kind: 'GITHUB',
      name: 'Hello-World deployments',
      secret: GITHUB_SECRET,
      teamMappings: [{ match: 'Codertocat/Hello-World', teamId: 'hello-world' }],
    });
    releases = await create({
      kind: 'GITHUB',
      name: 'Hello-World releases',
      secret: GITHUB_SECRET,
      teamMappings: [{ match: 'Codertocat/Hello-World', teamId: 'hello-releases' }],
      options: { shipSignal: 'RELEASE' },
    });
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db.drop();
  });

  it.each(['json', 'form'] as const)(
    "records GitHub's example successful production deployment, sent %s, once",
    async (contentType) => {
      const [deployment] = examples('deployment_status').filter(
        (e) => e.deployment_status.state === 'success' && e.deployment_status.environment === 'production',
      );
      const delivery = await githubDelivery(
        deployment,
        'deployment_status',
        `deploy-${contentType}`,
        contentType,
      );
      expect(await postToReceiver(ingestUrl, github.receiverPath, delivery)).toEqual({
        status: 202,
        body: { accepted: 1 },
      });
      await eventually(async () => expect(await ships('hello-world')).toBe(1));
      expect((await deliveries(github.id))[0]).toEqual({
        outcome: 'ACCEPTED',
        reason: null,
        vendorDeliveryId: `deploy-${contentType}`,
        eventIds: [`github:Codertocat/Hello-World:deployment_status:${deployment.deployment_status.id}`],
      });
    },
  );

  it.each(['json', 'form'] as const)(
    "records GitHub's example published release, sent %s",
    async (contentType) => {
      const [published] = examples('release').filter(
        (e) => e.action === 'published' && !e.release.prerelease,
      );
      const delivery = await githubDelivery(published, 'release', `release-${contentType}`, contentType);
      expect(await postToReceiver(ingestUrl, releases.receiverPath, delivery)).toEqual({
        status: 202,
        body: { accepted: 1 },
      });
      await eventually(async () => expect(await ships('hello-releases')).toBe(1));
    },
  );

  it.each(['json', 'form'] as const)(
    "answers GitHub's example ping, sent %s, with 200",
    async (contentType) => {
      const [ping] = examples('ping');
      const delivery = await githubDelivery(ping, 'ping', `ping-${contentType}`, contentType);
      expect(await postToReceiver(ingestUrl, github.receiverPath, delivery)).toEqual({
        status: 200,
        body: { ignored: 'ping' },
      });
    },
  );

  it('refuses a form-encoded delivery signed with another secret, or whose form was changed', async () => {
    const [ping] = examples('ping');
    const delivery = await githubDelivery(ping, 'ping', 'ping-tampered', 'form');
    const tampered = { ...delivery, body: `${delivery.body}&zen=changed` };
    expect((await postToReceiver(ingestUrl, github.receiverPath, tampered)).status).toBe(401);
    const otherSecret = {
      ...delivery,
      headers: {
        ...delivery.headers,
        'x-hub-signature-256': await sign('another-secret-0123456789', delivery.body),
      },
    };
    expect((await postToReceiver(ingestUrl, github.receiverPath, otherSecret)).status).toBe(401);
  });

  it("takes a Slack command whose signature Slack's Bolt accepts", async () => {
    const slack = await create({ kind: 'SLACK', name: 'Slack', secret: SLACK_SECRET, teamMappings: [] });
    const command = signAsVendor(
      'SLACK',
      SLACK_SECRET,
      slackCommand('interview hello-world pm designer', '4242.1.a'),
    );
    expect(
      isValidSlackRequest({
        signingSecret: SLACK_SECRET,
        body: command.body,
        headers: {
          'x-slack-signature': command.headers['x-slack-signature'],
          'x-slack-request-timestamp': Number(command.headers['x-slack-request-timestamp']),
        },
      }),
    ).toBe(true);
    expect(await postToReceiver(ingestUrl, slack.receiverPath, command)).toEqual({
      status: 200,
      body: { response_type: 'in_channel', text: 'Recorded: an interview by hello-world with pm, designer.' },
    });
  });

  it('takes a Linear issue update whose signature the Linear SDK accepts', async () => {
    const linear = await create({
      kind: 'LINEAR',
      name: 'Linear',
      secret: LINEAR_SECRET,
      teamMappings: [{ match: 'PAY', teamId: 'hello-linear' }],
    });
    const now = Date.now();
    const body = vendorJson('linear.issue_update.json', (p) => {
      p.webhookTimestamp = now;
      p.data.updatedAt = new Date(now - 60_000).toISOString();
    });
    const update = signAsVendor('LINEAR', LINEAR_SECRET, body);
    expect(
      new LinearWebhookClient(LINEAR_SECRET).verify(Buffer.from(body), update.headers['linear-signature']),
    ).toBe(true);
    expect(await postToReceiver(ingestUrl, linear.receiverPath, update)).toEqual({
      status: 202,
      body: { accepted: 1 },
    });
  });

  describe('hostile but signed deliveries', () => {
    it('records an ignored delivery with a bounded reason, however long the vendor value behind it', async () => {
      const [deployment] = examples('deployment_status');
      const environment = `staging-${'x'.repeat(100_000)}`;
      const delivery = await githubDelivery(
        {
          ...deployment,
          deployment_status: { ...deployment.deployment_status, state: 'success', environment },
        },
        'deployment_status',
        'long-environment',
        'json',
      );
      const answer = await postToReceiver(ingestUrl, github.receiverPath, delivery);
      expect(answer.status).toBe(200);
      expect(answer.body.ignored).toMatch(/^environment staging-x+…$/);
      expect(answer.body.ignored.length).toBeLessThanOrEqual(200);
      const recorded = (await deliveries(github.id)).find((d) => d.vendorDeliveryId === 'long-environment');
      expect(recorded).toEqual(expect.objectContaining({ outcome: 'IGNORED', reason: answer.body.ignored }));
    });

    it('records a delivery holding U+0000, shown escaped', async () => {
      const [deployment] = examples('deployment_status');
      const delivery = await githubDelivery(
        { ...deployment, deployment_status: { ...deployment.deployment_status, state: 'fail\u0000ure' } },
        'deployment_status',
        'nul-in-state',
        'json',
      );
      expect(await postToReceiver(ingestUrl, github.receiverPath, delivery)).toEqual({
        status: 200,
        body: { ignored: 'deployment state fail\\u0000ure is not success' },
      });
      expect((await deliveries(github.id)).find((d) => d.vendorDeliveryId === 'nul-in-state')).toEqual(
        expect.objectContaining({
          outcome: 'IGNORED',
          reason: 'deployment state fail\\u0000ure is not success',
        }),
      );
      const slack = await create({
        kind: 'SLACK',
        name: 'Slack NUL',
        secret: SLACK_SECRET,
        teamMappings: [],
      });
      const command = signAsVendor(
        'SLACK',
        SLACK_SECRET,
        slackCommand('unblocked hello-world', 'trig\u0000ger'),
      );
      expect((await postToReceiver(ingestUrl, slack.receiverPath, command)).status).toBe(200);
      expect(await deliveries(slack.id)).toEqual([
        expect.objectContaining({ vendorDeliveryId: 'trig\\u0000ger' }),
      ]);
    });
  });
});
