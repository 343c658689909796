import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@orgpulse/contracts';
import { spawnNode } from '@orgpulse/testing';
import { join } from 'node:path';
import { repoRoot } from '@orgpulse/testing';
import { benchClient } from './bench-database';
import { copyEvents } from './copy-rows';
import { accepted } from './synthetic-org';
import { watchPeakRss } from './peak-memory';
import { perSecond } from './stats';

export interface RebuildThroughput {
  events: number;
  subjects: number;
  ms: number;
  eventsPerSecond: number;
  /** Including the CLI's start (connect, migrations check). */
  wallMs: number;
  peakRssMiB: number;
}

/** Fills the event store up to `total` events with more synthetic orgs, written by COPY (setup, not measured). */
export async function fillEventStore(
  databaseUrl: string,
  total: number,
  makeOrg: (seed: number) => EventEnvelope[],
): Promise<number> {
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const count = async () =>
      (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM event_store')).rows[0].n;
    let stored = await count();
    for (let seed = 1000; stored < total; seed++) {
      const org = makeOrg(seed).slice(0, total - stored);
      await copyEvents(client, 'event_store', accepted(org, randomUUID(), new Date().toISOString()));
      stored += org.length;
    }
    await client.query('VACUUM ANALYZE event_store');
    return await count();
  } finally {
    await client.end();
  }
}

/** E4: `projections rebuild` from the CLI, as an operator runs it. */
export async function rebuildThroughput(databaseUrl: string): Promise<RebuildThroughput> {
  const started = performance.now();
  const cli = spawnNode(join(repoRoot, 'dist', 'apps', 'cli', 'src', 'main.js'), ['projections', 'rebuild'], {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
  });
  const memory = watchPeakRss(cli.pid);
  const { code } = await cli.exited;
  const peakRssMiB = memory.stop();
  const wallMs = performance.now() - started;
  if (code !== 0) throw new Error(`projections rebuild exited with ${code}: ${cli.stderr.slice(-2000)}`);
  const result = JSON.parse(cli.stdout) as { events: number; subjects: number; durationMs: number };
  return {
    events: result.events,
    subjects: result.subjects,
    ms: result.durationMs,
    eventsPerSecond: perSecond(result.events, result.durationMs),
    wallMs,
    peakRssMiB,
  };
}
