import type { LargeOrgSize } from './bench-options';
import { benchClient, createRunDatabase } from './bench-database';
import { createOrg } from './bench-stack';
import { copyEvents } from './copy-rows';
import { largeOrg } from './large-org';
import { fillEventStore } from './rebuild-throughput';
import { acceptedStream, syntheticOrg } from './synthetic-org';

/**
 * Fills a database of its own for measuring `projections rebuild` alone, again and again (the rebuild
 * leaves the store as it was): `e4` (E4's 1,000,000 synthetic events) or `e6` (E6's large org).
 * Usage (after building the bench): node dist/bench/bench/src/rebuild-setup.main.js <e4|e6> <server url> <database
 * name>, then bash bench/measure-rebuild.sh <database name>.
 */
async function main(): Promise<void> {
  const [kind, serverUrl, name] = process.argv.slice(2);
  const databaseUrl = await createRunDatabase(serverUrl, name);
  const org = await createOrg(databaseUrl, 'Rebuild');
  const start = new Date(Date.UTC(2025, 0, 6));
  if (kind === 'e4') {
    const shape = { teams: 200, people: 2000, days: 365, start };
    console.log(await fillEventStore(databaseUrl, 1_000_000, (seed) => syntheticOrg({ ...shape, seed })));
    return;
  }
  const size: LargeOrgSize = { teams: 20_000, groups: 5_000, people: 200_000, events: 2_000_000 };
  const client = benchClient(databaseUrl);
  await client.connect();
  try {
    const events = acceptedStream(
      largeOrg({ ...size, days: 365, start, seed: 20 }),
      org.orgId,
      new Date().toISOString(),
    );
    console.log(await copyEvents(client, 'event_store', events));
    await client.query('VACUUM ANALYZE event_store');
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
