import { writeFileSync } from 'node:fs';
import { benchClient, createRunDatabase } from './bench-database';
import { createOrg } from './bench-stack';
import { copyEvents } from './copy-rows';
import { largeOrg } from './large-org';
import { rebuildThroughput } from './rebuild-throughput';
import { acceptedStream, dashboardGroupsOf, syntheticOrg, syntheticYearStart } from './synthetic-org';

/**
 * E6's setup alone (COPY, VACUUM ANALYZE, rebuild from the CLI) into a database that is kept, its org written
 * to out.json for page-probe.main.ts; a name containing "synthetic" loads the synthetic org instead.
 * node dist/bench/bench/src/large-org-keep.main.js <server url> <db> <teams> <groups> <people> <events> <out.json>
 */
async function main() {
  const [serverUrl, name, teams, groupCount, people, events, out] = process.argv.slice(2);
  const url = await createRunDatabase(serverUrl, name);
  const org = await createOrg(url, 'Large');
  const days = 365;
  const start = syntheticYearStart(days);
  const size = { teams: +teams, groups: +groupCount, people: +people, events: +events };
  const client = benchClient(url);
  await client.connect();
  let t = performance.now();
  const synthetic = name.includes('synthetic')
    ? syntheticOrg({ teams: +teams, people: +people, days, start, seed: 1 })
    : undefined;
  const groups = synthetic && dashboardGroupsOf(synthetic);
  const n = await copyEvents(
    client,
    'event_store',
    acceptedStream(
      synthetic ?? largeOrg({ ...size, days, start, seed: 20 }),
      org.orgId,
      new Date().toISOString(),
    ),
  );
  console.error(`loaded ${n} in ${performance.now() - t} ms`);
  t = performance.now();
  await client.query('VACUUM ANALYZE event_store');
  await client.end();
  console.error(`vacuum ${performance.now() - t} ms`);
  const rebuild = await rebuildThroughput(url);
  console.error(`rebuild ${JSON.stringify(rebuild)}`);
  writeFileSync(
    out,
    JSON.stringify({ url, org, start: start.toISOString(), days, size, groups, events: n, rebuild }, null, 2),
  );
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
