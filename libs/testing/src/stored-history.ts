import { type EventEnvelope, subjectOf } from '@orgpulse/contracts';
import { Client } from 'pg';
import { runCli } from './spawned-process';

const BATCH = 5_000;

/**
 * An org's history loaded fast, as an operator backfills a large one: the events appended to the
 * event store as the projector appends them (deduplicated by id), then `projections rebuild`. For
 * tests that need thousands of subjects without posting them one batch at a time.
 */
export async function storeHistory(
  databaseUrl: string,
  orgId: string,
  events: readonly EventEnvelope[],
): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ingestedAt = new Date().toISOString();
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      await client.query(
        `INSERT INTO event_store
           (org_id, event_id, type, version, subject, occurred_at, ingested_at, source, kafka_partition, kafka_offset, data)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::smallint[], $5::text[], $6::timestamptz[],
                              $7::timestamptz[], $8::text[], $9::int[], $10::bigint[], $11::jsonb[])
         ON CONFLICT (org_id, identity_source, event_id) DO NOTHING`,
        [
          batch.map(() => orgId),
          batch.map((e) => e.id),
          batch.map((e) => e.type),
          batch.map(() => 1),
          batch.map((e) => subjectOf(e)),
          batch.map((e) => e.occurredAt),
          batch.map(() => ingestedAt),
          batch.map((e) => e.source ?? null),
          batch.map(() => 0),
          batch.map((_, i) => start + i),
          batch.map((e) => JSON.stringify(e.data)),
        ],
      );
    }
  } finally {
    await client.end();
  }
  const rebuild = await runCli(['projections', 'rebuild'], { DATABASE_URL: databaseUrl });
  if (rebuild.code !== 0) throw new Error(`projections rebuild failed: ${rebuild.stderr}`);
}
