import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertChanged, type AlertCloudEvent } from '@orgpulse/contracts';
import {
  KafkaBroker,
  type SpawnedProcess,
  TestDatabase,
  WebhookReceiver,
  eventually,
  freePort,
  graphql,
  postEvents,
  runCli,
  spawnApp,
  waitForHealthy,
} from '@orgpulse/testing';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TEAMS = 200;
const PEOPLE = 1_000;
const REPORTS = 10; // per manager: none overloaded

interface NativeEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * A year of an org's history ending an hour ago, in occurrence order (as an export is): an interview
 * and a ship every five days, a two-day block every six weeks, a 1:1 every ten days. Planted at its end, and
 * nothing else true then: teams 0, 10, 20… without an interview for 9 days (DISCOVERY_LAPSED), teams 5,
 * 25, 45… blocked for 3 days (TEAM_IDLE), people 7, 107, 207… without a 1:1 for 20 days (ONE_ON_ONE_OVERDUE).
 */
function year(now: number): { events: NativeEvent[]; expected: string[] } {
  const start = now - 365 * DAY;
  const end = now - HOUR;
  const events: NativeEvent[] = [];
  const expected: string[] = [];
  const add = (type: string, at: number, data: Record<string, unknown>) => {
    if (at <= end)
      events.push({ id: `y${events.length}`, type, occurredAt: new Date(at).toISOString(), data });
  };
  for (let t = 0; t < TEAMS; t += 1) {
    const teamId = `team-${t}`;
    const lapsed = t % 10 === 0;
    const idle = t % 20 === 5;
    if (lapsed) expected.push(`DISCOVERY_LAPSED ${teamId}`);
    if (idle) expected.push(`TEAM_IDLE ${teamId}`);
    add('team.registered', start, { teamId, name: `Team ${t}`, headcount: 5 + (t % 5) });
    for (let at = start + (t % 7) * HOUR + DAY; at <= end; at += 5 * DAY) {
      if (!lapsed || at < end - 9 * DAY) add('discovery.interview-held', at, { teamId });
      add('delivery.shipped', at + 2 * HOUR, { teamId, release: `r${at}` });
    }
    for (let at = start + 10 * DAY + (t % 13) * HOUR; at < end - 5 * DAY; at += 42 * DAY) {
      add('team.blocked', at, { teamId, reason: 'dependency' });
      add('team.unblocked', at + 2 * DAY, { teamId });
    }
    if (idle) add('team.blocked', now - 3 * DAY, { teamId, reason: 'decision-pending' });
  }
  for (let p = 0; p < PEOPLE; p += 1) {
    const personId = `person-${p}`;
    const managerId = `manager-${Math.floor(p / REPORTS)}`;
    const overdue = p % 100 === 7;
    if (overdue) expected.push(`ONE_ON_ONE_OVERDUE ${personId}`);
    add('person.registered', start, { personId, name: `Person ${p}`, role: 'engineer', managerId });
    for (let at = start + DAY + (p % 24) * HOUR; at <= end; at += 10 * DAY)
      if (!overdue || at < end - 20 * DAY) add('one-on-one.held', at, { managerId, reportId: personId });
  }
  events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  return { events, expected: expected.sort() };
}

const changeOf = (body: string): AlertChanged => (JSON.parse(body) as AlertCloudEvent).data;

/**
 * Contract §6 and §12 while a year is imported (README, "Alerts during a backfill"): a live alert keeps
 * reaching its webhook within 60 s, and the backfill's alerts are raised once, when each subject has
 * settled, never raised and resolved again as its history streams in.
 */
describe('alerting while a year of history is imported', () => {
  jest.setTimeout(400_000);
  // a broker of its own: the year's records on the shared topic would be read by every later test's projector
  let broker: KafkaBroker;
  let db: TestDatabase;
  const apps: SpawnedProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'orgpulse-alert-backfill-'));
  let receiver: WebhookReceiver;
  let ingestUrl: string;
  let org: { orgId: string; ingestKey: string; apiToken: string };

  const count = async (sql: string) => (await db.query<{ n: number }>(sql, [org.orgId]))[0].n;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
    db = await TestDatabase.create('alert_backfill');
    const ports = {
      ingest: await freePort(),
      projector: await freePort(),
      api: await freePort(),
      alerter: await freePort(),
    };
    const common = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.brokers, HOST: '127.0.0.1' };
    ingestUrl = `http://127.0.0.1:${ports.ingest}`;
    apps.push(
      spawnApp('ingest', { ...common, INGEST_PORT: String(ports.ingest) }),
      spawnApp('projector', {
        ...common,
        PROJECTOR_PORT: String(ports.projector),
        PROJECTOR_GROUP_ID: `backfill-${ports.projector}`,
      }),
      spawnApp('api', { ...common, API_PORT: String(ports.api), ALERTER_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8' }),
      spawnApp('alerter', {
        ...common,
        ALERTER_PORT: String(ports.alerter),
        ALERTER_WEBHOOK_ALLOW_CIDRS: '127.0.0.0/8',
      }),
    );
    const urls = [
      ingestUrl,
      ...[ports.projector, ports.api, ports.alerter].map((p) => `http://127.0.0.1:${p}`),
    ];
    for (const [i, url] of urls.entries()) await waitForHealthy(`${url}/health`, apps[i]);
    org = JSON.parse(
      (await runCli(['org', 'create', '--name', 'Backfilled'], { DATABASE_URL: db.url })).stdout,
    ) as typeof org;
    receiver = await WebhookReceiver.start();
    const registered = await graphql(
      `http://127.0.0.1:${ports.api}/graphql`,
      org.apiToken,
      `mutation { registerWebhook(url: "${receiver.url}", secret: "a-webhook-secret-of-the-test") { id } }`,
    );
    expect(registered.errors).toBeUndefined();
  });

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await receiver?.close();
    await db?.drop();
    await broker?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a live alert reaches the webhook within 60 s during the import; the year’s alerts are raised once, none resolved', async () => {
    const { events, expected } = year(Date.now());
    const file = join(dir, 'year.ndjson');
    const out = createWriteStream(file);
    for (const event of events) if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');

    const importing = runCli(['events', 'import', '--org', org.orgId, file], {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
    });
    await eventually(
      async () =>
        expect(await count(`SELECT count(*)::int AS n FROM event_store WHERE org_id = $1`)).toBeGreaterThan(
          events.length / 10,
        ),
      { timeoutMs: 120_000, intervalMs: 100 },
    );

    // Live: a manager gets a 13th direct report now (MANAGER_OVERLOADED at once), while the year streams in.
    const now = new Date().toISOString();
    const posted = Date.now();
    const live = Array.from({ length: 13 }, (_, i) => ({
      id: `live-${i}`,
      type: 'person.registered',
      occurredAt: now,
      data: { personId: `new-${i}`, role: 'engineer', managerId: 'live-boss' },
    }));
    expect((await postEvents(ingestUrl, live, { key: org.ingestKey })).status).toBe(202);
    const storedAtPost = await count(`SELECT count(*)::int AS n FROM event_store WHERE org_id = $1`);
    expect(storedAtPost).toBeLessThan(events.length); // the import was still being projected

    await eventually(
      () =>
        expect(receiver.accepted().map((r) => changeOf(r.body).alert)).toContainEqual(
          expect.objectContaining({ rule: 'MANAGER_OVERLOADED', subjectId: 'live-boss' }),
        ),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(Date.now() - posted).toBeLessThan(60_000);

    const imported = await importing;
    expect(imported.code).toBe(0);
    await eventually(
      async () =>
        expect(await count(`SELECT count(*)::int AS n FROM event_store WHERE org_id = $1`)).toBe(
          events.length + live.length,
        ),
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    // settled: nothing left to judge, nothing left to deliver
    await eventually(
      async () => {
        expect(
          await count(
            `SELECT count(*)::int AS n FROM alert_watch WHERE org_id = $1 AND change_at IS NOT NULL`,
          ),
        ).toBe(0);
        expect(
          await count(`SELECT count(*)::int AS n FROM alert_outbox WHERE org_id = $1 AND status = 'pending'`),
        ).toBe(0);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

    const alerts = await db.query<{ rule: string; subject_id: string; status: string }>(
      `SELECT rule, subject_id, status FROM alerts WHERE org_id = $1 ORDER BY rule, subject_id`,
      [org.orgId],
    );
    // no churn: every alert raised once and still open, exactly the conditions true at the year's end
    expect(alerts.filter((a) => a.status === 'RESOLVED')).toEqual([]);
    expect(
      alerts.filter((a) => a.subject_id !== 'live-boss').map((a) => `${a.rule} ${a.subject_id}`),
    ).toEqual(expected);
    const delivered = receiver.accepted().map((r) => changeOf(r.body));
    expect(delivered.filter((c) => c.type === 'alert.resolved')).toEqual([]);
    expect(new Set(delivered.map((c) => c.alert.id)).size).toBe(alerts.length);
  });
});
