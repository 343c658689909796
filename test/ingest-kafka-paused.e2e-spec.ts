import { readFileSync } from 'node:fs';
import { Topics, isRecordOfOrg } from '@orgpulse/contracts';
import {
  KafkaBroker,
  type SpawnedProcess,
  eventually,
  freePort,
  postEvents,
  readTopicToEnd,
  runCli,
  spawnApp,
  testEnvironment,
  waitForHealthy,
} from '@orgpulse/testing';

const MiB = 1024 * 1024;
const PUBLISH_TIMEOUT_MS = 2_000;
// Generous: the point is "answers by its deadline", not how fast; without a deadline kafkajs alone
// waits 10 s per attempt (and retries) before failing a send to a broker that does not answer.
const ANSWER_MARGIN_MS = 4_000;
const RSS_GROWTH_LIMIT = 64 * MiB;
const REQUESTS = 400;
const CLIENTS = 16; // while Kafka is paused; fewer than the backlog bound otherwise
const EVENTS_PER_REQUEST = 40;
const MAX_PENDING_REQUESTS = 8;
// a stream over several deadlines, bounded in time and in count
const STREAM_MS = 4 * PUBLISH_TIMEOUT_MS;
const MAX_STREAM_POSTS = 3_000;

const rssOf = (pid: number): number => {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
};

/** A request of ~90 KB: enough bytes that a backlog without bounds would show in the process's memory. */
const request = (n: number, occurredAt: string) =>
  Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({
    id: `paused-${n}-${i}`,
    type: 'team.blocked',
    occurredAt,
    source: 'e2e',
    data: { teamId: `team-${(n + i) % 17}`, reason: 'dependency', note: `${n}/${i} `.padEnd(2_000, 'x') },
  }));

interface Answer {
  status: number;
  code?: string;
  retryAfter: number;
  ms: number;
}

describe('ingest while Kafka is paused (SIGSTOP on its own broker)', () => {
  jest.setTimeout(300_000);
  let broker: KafkaBroker;
  let brokerPid: number | undefined;
  let ingest: SpawnedProcess | undefined;

  beforeAll(async () => {
    broker = await KafkaBroker.create();
    await broker.start();
  });

  afterAll(async () => {
    try {
      // never leave the broker stopped, whatever happened
      if (brokerPid !== undefined) process.kill(brokerPid, 'SIGCONT');
    } finally {
      await ingest?.stop();
      await broker.stop();
    }
  });

  it('answers 503 within its deadline and its memory stays flat under a stream of requests; after SIGCONT the same requests succeed', async () => {
    const { ingestKey, orgId } = JSON.parse((await runCli(['org', 'create', '--name', 'Paused'])).stdout) as {
      ingestKey: string;
      orgId: string;
    };
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    ingest = spawnApp('ingest', {
      DATABASE_URL: testEnvironment().databaseUrl,
      KAFKA_BROKERS: broker.brokers,
      INGEST_PORT: String(port),
      HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_PER_SECOND: '0',
      INGEST_PUBLISH_TIMEOUT_MS: String(PUBLISH_TIMEOUT_MS),
      INGEST_MAX_PENDING_BYTES: String(4 * MiB),
      // fewer than the clients: some requests find the backlog full, the others wait for their deadline
      INGEST_MAX_PENDING_REQUESTS: String(MAX_PENDING_REQUESTS),
    });
    await waitForHealthy(`${baseUrl}/health`, ingest);
    const ingestPid = ingest.pid;
    const occurredAt = new Date(Date.now() - 60_000).toISOString();
    const post = async (body: unknown): Promise<Answer> => {
      const started = performance.now();
      const response = await postEvents(baseUrl, body, { key: ingestKey });
      return {
        status: response.status,
        code: (response.body as { errors?: { code: string }[] }).errors?.[0]?.code,
        retryAfter: Number(response.headers.get('retry-after')),
        ms: performance.now() - started,
      };
    };
    /** The bodies posted by `clients` clients at once, each posting its next as soon as it has an answer. */
    const stream = async (bodies: unknown[], clients: number): Promise<Answer[]> => {
      const answers: Answer[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let n = next++; n < bodies.length; n = next++) answers[n] = await post(bodies[n]);
        }),
      );
      return answers;
    };
    /** Like `stream`, but over and over, until every body was posted and `ms` have passed (at most `max` posts). */
    const streamFor = async (bodies: unknown[], clients: number, ms: number, max: number) => {
      const answers: Answer[] = [];
      const end = performance.now() + ms;
      let next = 0;
      const more = () => next < max && (next < bodies.length || performance.now() < end);
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (more()) answers.push(await post(bodies[next++ % bodies.length]));
        }),
      );
      return answers;
    };

    // warm-up with the same shape of traffic, so the baseline is the process's working size
    const warmUp = await stream(
      Array.from({ length: 60 }, (_, n) => request(10_000 + n, occurredAt)),
      MAX_PENDING_REQUESTS / 2,
    );
    expect(warmUp.map((a) => a.status)).toEqual(warmUp.map(() => 202));
    const baseline = rssOf(ingestPid);

    const requests = Array.from({ length: REQUESTS }, (_, n) => request(n, occurredAt));
    brokerPid = broker.pid();
    process.kill(brokerPid, 'SIGSTOP');
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(ingestPid))), 50);
    let refused: Answer[];
    try {
      refused = await streamFor(requests, CLIENTS, STREAM_MS, MAX_STREAM_POSTS);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssOf(ingestPid));

    expect(refused.length).toBeGreaterThanOrEqual(REQUESTS);
    for (const answer of refused) {
      expect(answer).toEqual({
        status: 503,
        code: 'KAFKA_UNAVAILABLE',
        retryAfter: expect.any(Number),
        ms: expect.any(Number),
      });
      expect(answer.retryAfter).toBeGreaterThan(0);
      expect(answer.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + ANSWER_MARGIN_MS);
    }
    // both bounds were met: refused at once with the backlog full, and refused at the deadline
    expect(refused.filter((a) => a.ms < PUBLISH_TIMEOUT_MS / 2).length).toBeGreaterThan(0);
    expect(refused.filter((a) => a.ms >= PUBLISH_TIMEOUT_MS).length).toBeGreaterThan(0);
    expect(peak - baseline).toBeLessThan(RSS_GROWTH_LIMIT);

    process.kill(brokerPid, 'SIGCONT');
    brokerPid = undefined;
    const accepted = new Set<number>();
    await eventually(
      async () => {
        const waiting = requests.map((_, n) => n).filter((n) => !accepted.has(n));
        const answers = await stream(
          waiting.map((n) => requests[n]),
          MAX_PENDING_REQUESTS / 2,
        );
        answers.forEach((answer, i) => answer.status === 202 && accepted.add(waiting[i]));
        expect(accepted.size).toBe(REQUESTS);
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );

    // every event is on Kafka at least once; a send that was in flight at its deadline may have landed
    // as well, which the event store's deduplication by (org, event id) absorbs
    const ids = new Set(requests.flat().map((e) => e.id));
    const landed = new Set(
      (await readTopicToEnd(broker.brokers, Topics.events, (r) => isRecordOfOrg(r.key, orgId)))
        .map((r) => (JSON.parse(r.value ?? '{}') as { id: string }).id)
        .filter((id) => ids.has(id)),
    );
    expect(landed.size).toBe(ids.size);
  });
});
