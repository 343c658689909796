import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, type EventEnvelope, Topics, parseSubject } from '@orgpulse/contracts';
import { READ_MODELS, foldInto } from '@orgpulse/domain';
import { toEventRecord } from '@orgpulse/messaging';
import { Kafka, type Message, logLevel } from 'kafkajs';
import { freePort } from './free-port';
import { type SpawnedProcess, spawnApp, waitForHealthy } from './spawned-process';
import type { TestDatabase } from './test-database';

export interface ProjectorHealth {
  status: string;
  projection: {
    lag: number;
    lastProcessedAt: string | null;
    eventsAppendedSinceStart: number;
    recordsProcessedSinceStart: number;
    assignedPartitions: number[];
  };
}

/** A spawned projector and how to look at it. */
export class RunningProjector {
  private constructor(
    readonly process: SpawnedProcess,
    readonly port: number,
  ) {}

  static async start(env: {
    databaseUrl: string;
    brokers: string;
    groupId: string;
    extra?: NodeJS.ProcessEnv;
  }): Promise<RunningProjector> {
    const port = await freePort();
    const process = spawnApp('projector', {
      DATABASE_URL: env.databaseUrl,
      KAFKA_BROKERS: env.brokers,
      PROJECTOR_PORT: String(port),
      PROJECTOR_GROUP_ID: env.groupId,
      HOST: '127.0.0.1',
      // production waits out a dead predecessor's last send; a test's projectors stop cleanly
      PROJECTOR_DEAD_LETTER_GRACE_MS: '1000',
      ...env.extra,
    });
    await waitForHealthy(`http://127.0.0.1:${port}/health`, process);
    return new RunningProjector(process, port);
  }

  async health(): Promise<ProjectorHealth> {
    return (await (await fetch(`http://127.0.0.1:${this.port}/health`)).json()) as ProjectorHealth;
  }

  async metrics(): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
  }
}

let counter = 0;
/** Team events over a few teams, with occurredAt scattered in the past so many arrive late. */
export function teamEventStream(
  count: number,
  teams: number,
  prefix = randomUUID().slice(0, 8),
): EventEnvelope[] {
  const types = [
    'team.registered',
    'team.blocked',
    'team.unblocked',
    'delivery.shipped',
    'team.blocked',
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    counter += 1;
    const teamId = `team-${(i * 7 + counter) % teams}`;
    const type = types[(i * 13 + counter) % types.length];
    const occurredAt = new Date(
      Date.parse('2026-06-01T00:00:00Z') + ((i * 7919) % 100_000) * 60_000,
    ).toISOString();
    const data =
      type === 'team.registered'
        ? { teamId, name: `Team ${teamId}`, headcount: i % 11 }
        : type === 'team.blocked'
          ? { teamId, reason: i % 2 ? 'dependency' : 'environment' }
          : { teamId };
    return { id: `${prefix}-${i}`, type, occurredAt, data };
  });
}

/** Produces accepted events straight to the topic, as ingest would. */
export async function produceAccepted(
  brokers: string,
  orgId: string,
  events: EventEnvelope[],
): Promise<void> {
  const producer = new Kafka({
    clientId: 'orgpulse-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  try {
    const now = new Date();
    for (let i = 0; i < events.length; i += 500) {
      await producer.send({
        topic: Topics.events,
        acks: -1,
        messages: events.slice(i, i + 500).map((e) => toEventRecord(orgId, e, now)),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

export async function produceRaw(brokers: string, topic: string, messages: Message[]): Promise<void> {
  const producer = new Kafka({
    clientId: 'orgpulse-test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

type ReadModelRows = Record<string, { subjectId: string; state: unknown }[]>;

/**
 * Every registered read model of one org as stored, and as a from-scratch fold of the org's event store
 * says it must be, table by table (states as JSON, as stored).
 */
export async function readModelsVersusFold(
  db: Pick<TestDatabase, 'query'>,
  orgId: string,
): Promise<{ stored: ReadModelRows; folded: ReadModelRows }> {
  const history = await db.query<{ subject: string; event: AcceptedEvent }>(
    `SELECT subject, jsonb_build_object('id', event_id, 'type', type, 'version', version, 'orgId', org_id,
              'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'ingestedAt', ingested_at, 'data', data) AS event
       FROM event_store WHERE org_id = $1 ORDER BY subject, occurred_at, position`,
    [orgId],
  );
  const stored: ReadModelRows = {};
  const folded: ReadModelRows = {};
  for (const model of READ_MODELS) {
    stored[model.name] = await db.query<{ subjectId: string; state: unknown }>(
      `SELECT subject_id AS "subjectId", state FROM ${model.name} WHERE org_id = $1 ORDER BY subject_id`,
      [orgId],
    );
    const bySubject = new Map<string, AcceptedEvent[]>();
    for (const { subject, event } of history) {
      const parsed = parseSubject(subject);
      if (parsed?.kind !== model.subjectKind) continue;
      bySubject.set(parsed.id, [...(bySubject.get(parsed.id) ?? []), event]);
    }
    folded[model.name] = [...bySubject]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([subjectId, events]) => ({
        subjectId,
        state: JSON.parse(JSON.stringify(foldInto(model, model.initial(subjectId), events))) as unknown,
      }));
  }
  return { stored, folded };
}

export async function storedEventIds(db: TestDatabase, orgId: string): Promise<string[]> {
  return (
    await db.query<{ event_id: string }>('SELECT event_id FROM event_store WHERE org_id = $1', [orgId])
  ).map((r) => r.event_id);
}
