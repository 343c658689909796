// The rate of `events import` (contract §9 backfill) for 100,000 NDJSON lines, with a raw baseline of the
// same machine in the same run: a kafkajs producer writing the same records (ingest's keys and values,
// acks=-1, batches of 500, 8 in flight). Usage, against a running broker and database (`npm start`'s,
// or your own), after `npm run build`:
//   KAFKA_BROKERS=127.0.0.1:9092 DATABASE_URL=postgres://... node bench/import-rate.mjs [--runs 3] [--lines 100000]
// Each run imports fresh ids into a fresh org. Prints each run's figures and the medians as JSON.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const { Kafka, logLevel } = require('kafkajs');
const { toEventRecord } = require(join(root, 'dist/libs/messaging/src/events/event-record.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg('runs', 3);
const lines = arg('lines', 100_000);
const { KAFKA_BROKERS, DATABASE_URL } = process.env;
if (!KAFKA_BROKERS || !DATABASE_URL) throw new Error('set KAFKA_BROKERS and DATABASE_URL');
const env = { ...process.env, LOG_LEVEL: 'warn' };
const cli = (...args) => {
  const run = spawnSync(process.execPath, [join(root, 'dist/apps/cli/src/main.js'), ...args], {
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`cli ${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout);
};
const event = (run, i) => ({
  id: `rate-${run}-${i}`,
  type: 'delivery.shipped',
  occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  source: 'backfill',
  data: { teamId: `team-${i % 200}`, release: `r${i}` },
});
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function rawProduce(kafka, orgId, run) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const ingestedAt = new Date();
  const started = performance.now();
  const inFlight = new Set();
  for (let i = 1; i <= lines; i += 500) {
    const messages = [];
    for (let j = i; j < i + 500 && j <= lines; j++)
      messages.push(toEventRecord(orgId, event(`raw${run}`, j), ingestedAt));
    const send = producer
      .send({ topic: 'orgpulse.events.v1', messages, acks: -1 })
      .finally(() => inFlight.delete(send));
    inFlight.add(send);
    while (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  await producer.disconnect();
  return ms;
}

const kafka = new Kafka({
  brokers: KAFKA_BROKERS.split(','),
  clientId: 'import-rate',
  logLevel: logLevel.NOTHING,
});
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: 'orgpulse.events.v1', numPartitions: 6 }] });
await admin.disconnect();
const dir = mkdtempSync(join(tmpdir(), 'import-rate-'));
const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const { orgId } = cli('org', 'create', '--name', `import-rate-${Date.now()}`);
    const file = join(dir, `run-${run}.ndjson`);
    const out = createWriteStream(file);
    for (let i = 1; i <= lines; i++)
      if (!out.write(`${JSON.stringify(event(run, i))}\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const rawMs = await rawProduce(kafka, orgId, run);
    const dry = cli('events', 'import', '--org', orgId, '--dry-run', file);
    const full = cli('events', 'import', '--org', orgId, file);
    const figures = {
      run,
      lines,
      validateLinesPerSecond: Math.round(lines / (dry.durationMs / 1000)),
      importLinesPerSecond: Math.round(lines / (full.durationMs / 1000)),
      importMs: full.durationMs,
      rawProduceEventsPerSecond: Math.round(lines / (rawMs / 1000)),
    };
    figures.importOverRaw = Number(
      (figures.importLinesPerSecond / figures.rawProduceEventsPerSecond).toFixed(2),
    );
    process.stderr.write(`${JSON.stringify(figures)}\n`);
    results.push(figures);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const keys = [
  'validateLinesPerSecond',
  'importLinesPerSecond',
  'importMs',
  'rawProduceEventsPerSecond',
  'importOverRaw',
];
process.stdout.write(
  `${JSON.stringify({ runs: results, median: Object.fromEntries(keys.map((k) => [k, median(results.map((r) => r[k]))])) }, null, 2)}\n`,
);
