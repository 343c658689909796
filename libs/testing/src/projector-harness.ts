import { randomUUID } from 'node:crypto';
import { type AcceptedEvent, type EventEnvelope, Topics, parseSubject } from '@orgpulse/contracts';
import {
  type AnyReadModel,
  type Fact,
  READ_MODELS,
  factsOf,
  foldFacts,
  isoWeekStart,
} from '@orgpulse/domain';
import { canonicalJson, tablesOf } from '@orgpulse/persistence';
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

type ReadModelRows = Record<string, unknown[]>;

/** A subject's read model as a plain fold says it must be stored: head, weeks, links and day sums. */
function referenceFold(model: AnyReadModel, subjectId: string, facts: readonly Fact<unknown>[]) {
  const weeks: { week: number; start: unknown; facts: unknown[]; coversUntil: number | null }[] = [];
  let head = model.initial(subjectId);
  for (const fact of facts) {
    const week = isoWeekStart(fact.at);
    if (weeks.at(-1)?.week !== week) {
      const previous = weeks.at(-1);
      if (previous) previous.coversUntil = week;
      weeks.push({ week, start: head, facts: [], coversUntil: null });
    }
    weeks[weeks.length - 1].facts.push([fact.at, fact.position, fact.data]);
    head = model.evolve(head, fact);
  }
  const last = facts[facts.length - 1];
  const totals = new Map<number, bigint[]>();
  if (model.totals) {
    let start = model.initial(subjectId);
    for (const week of weeks) {
      const own = facts.filter((f) => isoWeekStart(f.at) === week.week);
      for (const [day, values] of model.totals.of(start, own))
        totals.set(
          day,
          (totals.get(day) ?? values.map(() => 0n)).map((v, i) => v + values[i]),
        );
      start = foldFacts(model, start, own);
    }
  }
  const links = model.links ? [...new Set(facts.flatMap((f) => model.links?.(f.data) ?? []))] : [];
  return { head, lastAt: last.at, lastPosition: last.position, weeks, totals, links };
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

type StoredRow = {
  subjectId: string;
  week: number;
  start: unknown;
  facts: [number, number, unknown][];
  coversUntil: number | null;
} & Record<string, unknown>;

/** A week stored as several rows (a busy one: see ROW_FACTS) as one row per ISO week, its flags any row's. */
function byIsoWeek(rows: readonly StoredRow[], flags: readonly string[]): StoredRow[] {
  const weeks: StoredRow[] = [];
  for (const row of rows) {
    const week = weeks.at(-1);
    if (week?.subjectId === row.subjectId && isoWeekStart(row.week) === isoWeekStart(week.week)) {
      week.facts = [...week.facts, ...row.facts];
      week.coversUntil = row.coversUntil;
      for (const flag of flags) week[flag] = week[flag] === true || row[flag] === true;
    } else weeks.push({ ...row });
  }
  return weeks;
}

/**
 * Each stored row against the one before it: it starts where that one ended (its start is that row's
 * start folded with its facts, and that row covers time up to it), and its facts occur in its span.
 */
function brokenRows(model: AnyReadModel, rows: readonly StoredRow[]): string[] {
  const broken: string[] = [];
  rows.forEach((row, i) => {
    const at = `${row.subjectId} row ${row.week}`;
    const end = row.coversUntil ?? Number.POSITIVE_INFINITY;
    if (row.facts.some(([factAt]) => factAt < row.week || factAt >= end))
      broken.push(`${at}: a fact outside it`);
    const before = rows[i - 1];
    if (before?.subjectId !== row.subjectId) return;
    if (before.coversUntil !== row.week)
      broken.push(`${at}: the row before covers until ${before.coversUntil}`);
    const facts = before.facts.map(([factAt, position, data]) => ({ at: factAt, position, data }));
    if (canonicalJson(foldFacts(model, before.start, facts)) !== canonicalJson(row.start))
      broken.push(`${at}: another start`);
  });
  return broken;
}
const byText = (a: unknown, b: unknown) => {
  const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * Every registered read model of one org as stored, and as a plain from-scratch fold of the org's event
 * store says it must be, table by table (JSON as stored; day sums without the days that sum to zero).
 */
export async function readModelsVersusFold(
  db: Pick<TestDatabase, 'query'>,
  orgId: string,
): Promise<{ stored: ReadModelRows; folded: ReadModelRows }> {
  const history = await db.query<{ subject: string; position: string; event: AcceptedEvent }>(
    `SELECT subject, position, jsonb_build_object('id', event_id, 'type', type, 'version', version, 'orgId', org_id,
              'occurredAt', to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              'ingestedAt', ingested_at, 'data', data) AS event
       FROM event_store WHERE org_id = $1 ORDER BY subject, occurred_at, position`,
    [orgId],
  );
  const stored: ReadModelRows = {};
  const folded: ReadModelRows = {};
  for (const model of READ_MODELS) {
    const tables = tablesOf(model);
    const bySubject = new Map<string, { event: AcceptedEvent; position: number }[]>();
    for (const { subject, position, event } of history) {
      const parsed = parseSubject(subject);
      if (parsed?.kind !== model.subjectKind) continue;
      bySubject.set(parsed.id, [...(bySubject.get(parsed.id) ?? []), { event, position: Number(position) }]);
    }
    // a subject whose events the model keeps nothing of has no rows (a person without a plan)
    const folds = [...bySubject]
      .map(([subjectId, events]) => ({ subjectId, facts: factsOf(model, events) }))
      .filter(({ facts }) => facts.length > 0)
      .map(({ subjectId, facts }) => ({ subjectId, fold: referenceFold(model, subjectId, facts) }))
      .filter(({ fold }) => !Number.isNaN(fold.lastAt));
    stored[tables.head] = await db.query(
      `SELECT subject_id AS "subjectId", state, last_at_ms::float8 AS "lastAt", last_position::float8 AS "lastPosition"
         FROM ${tables.head} WHERE org_id = $1 ORDER BY subject_id`,
      [orgId],
    );
    folded[tables.head] = json(
      folds
        .map(({ subjectId, fold }) => ({
          subjectId,
          state: fold.head,
          lastAt: fold.lastAt,
          lastPosition: fold.lastPosition,
        }))
        .sort((a, b) => byText(a.subjectId, b.subjectId)),
    ) as unknown[];
    if (tables.weeks) {
      const flags = Object.entries(model.weekFlags ?? {});
      const rows = await db.query<StoredRow>(
        `SELECT subject_id AS "subjectId", week_ms::float8 AS week, start_state AS start, facts,
                covers_until_ms::float8 AS "coversUntil"${flags.map(([name]) => `, ${name}`).join('')}
           FROM ${tables.weeks} WHERE org_id = $1 ORDER BY subject_id, week_ms`,
        [orgId],
      );
      stored[tables.weeks] = byIsoWeek(
        rows,
        flags.map(([name]) => name),
      );
      stored[`${tables.weeks} (rows that do not follow on)`] = brokenRows(model, rows);
      folded[`${tables.weeks} (rows that do not follow on)`] = [];
      folded[tables.weeks] = json(
        folds
          .sort((a, b) => byText(a.subjectId, b.subjectId))
          .flatMap(({ subjectId, fold }) =>
            fold.weeks.map((w) => ({
              subjectId,
              ...w,
              ...Object.fromEntries(
                flags.map(([name, flag]) => [
                  name,
                  flag(
                    w.start,
                    (w.facts as [number, number, unknown][]).map(([at, position, data]) => ({
                      at,
                      position,
                      data,
                    })),
                  ),
                ]),
              ),
            })),
          ),
      ) as unknown[];
    }
    if (tables.links) {
      stored[tables.links] = await db.query(
        `SELECT subject_id AS "subjectId", link_id AS "linkId" FROM ${tables.links} WHERE org_id = $1
          ORDER BY subject_id, link_id`,
        [orgId],
      );
      folded[tables.links] = folds
        .flatMap(({ subjectId, fold }) => fold.links.map((linkId) => ({ subjectId, linkId })))
        .sort(byText);
    }
    if (tables.totals && model.totals) {
      const columns = model.totals.columns;
      stored[tables.totals] = (
        await db.query<{ day: number; values: string[] }>(
          `SELECT day_ms::float8 AS day, ARRAY[${columns.join(', ')}]::text[] AS values
             FROM ${tables.totals} WHERE org_id = $1 ORDER BY day_ms`,
          [orgId],
        )
      )
        // numeric as PostgreSQL prints it: compared as exact integers
        .map((r) => ({ day: r.day, values: r.values.map((v) => BigInt(v).toString()) }))
        .filter((r) => r.values.some((v) => v !== '0'));
      const sums = new Map<number, bigint[]>();
      for (const { fold } of folds)
        for (const [day, values] of fold.totals)
          sums.set(
            day,
            (sums.get(day) ?? values.map(() => 0n)).map((v, i) => v + values[i]),
          );
      folded[tables.totals] = [...sums]
        .map(([day, values]) => ({ day, values: values.map((v) => v.toString()) }))
        .filter((r) => r.values.some((v) => v !== '0'))
        .sort((a, b) => a.day - b.day);
    }
  }
  return { stored, folded };
}

export async function storedEventIds(db: TestDatabase, orgId: string): Promise<string[]> {
  return (
    await db.query<{ event_id: string }>('SELECT event_id FROM event_store WHERE org_id = $1', [orgId])
  ).map((r) => r.event_id);
}
