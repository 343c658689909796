import { Topics, isRecordOfOrg } from '@orgpulse/contracts';
import { eventually } from '../eventually';
import type { TestDatabase } from '../test-database';
import { ClientLedger } from './client-ledger';
import { type DeadLetterCheck, checkDeadLetters, readDeadLetters } from './dead-letters';
import type { ProducedPoison } from './poison-records';
import { type ReadModelDiff, readModelsVersusRebuild } from './read-models-versus-rebuild';
import { readWholeTopic } from './whole-topic';

export interface Reconciliation {
  sent: number;
  accepted: number;
  stored: number;
  deadLettered: number;
  /** Accepted events not in the event store, plus poison records not on the dead-letter topic. */
  lost: number;
  /** Events stored more than once, plus poison records dead-lettered more than once. */
  doubled: number;
  poisonProduced: number;
  /** Requests by answer (HTTP status, `timeout`, `network`). */
  answers: Record<string, number>;
  /** Events answered with a refusal (4xx other than 408/429): not accepted, so not owed. */
  refused: number;
  /** Records on the events topic per id beyond the first (client retries): the store must absorb them. */
  kafkaRepeats: number;
  lostIds: string[];
  /**
   * Of the accepted events lost, those the events topic held when reconciling began (accepted events are
   * on it by then): the projector passed them, Kafka did not lose them.
   */
  lostOnTopic: number;
  doubledIds: string[];
  /** Stored events the client never sent, or poison that made it into the store. */
  phantomIds: string[];
  deadLetters: DeadLetterCheck;
  readModels: ReadModelDiff[];
}

export interface ReconcileInput {
  db: TestDatabase;
  brokers: string;
  ledger: ClientLedger;
  /** Orgs whose events the scenario sent or produced: everything stored for them is accounted for. */
  orgIds: readonly string[];
  poison?: readonly ProducedPoison[];
  /** How long the projector gets to store every accepted event (and dead-letter every poison record). */
  timeoutMs?: number;
}

async function storedCounts(db: TestDatabase, orgIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ org_id: string; event_id: string; n: number }>(
    `SELECT org_id::text, event_id, count(*)::int AS n FROM event_store WHERE org_id = ANY($1::uuid[])
      GROUP BY org_id, event_id`,
    [orgIds],
  );
  return new Map(rows.map((r) => [ClientLedger.key(r.org_id, r.event_id), r.n]));
}

/** Ids per org on the events topic as far as it reaches now (after a wipe, only what came since). */
async function idsOnTopic(brokers: string, orgIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const records = await readWholeTopic(brokers, Topics.events, (r) =>
    orgIds.some((orgId) => isRecordOfOrg(r.key, orgId)),
  );
  for (const record of records) {
    try {
      const { orgId, id } = JSON.parse(record.value ?? '') as { orgId: string; id: string };
      const key = ClientLedger.key(orgId, id);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // not an event of the load: the poison check accounts for it
    }
  }
  return counts;
}

/**
 * What clients were told against what is stored: waits (bounded) until the projector has stored
 * every accepted event and every event that reached the topic, and dead-lettered every poison
 * record; then counts, and compares the read models with a rebuild.
 */
export async function reconcile(input: ReconcileInput): Promise<Reconciliation> {
  const { db, brokers, ledger, orgIds, poison = [], timeoutMs = 60_000 } = input;
  const sent = ledger.sentKeys;
  const accepted = ledger.acceptedKeys;
  const onTopic = await idsOnTopic(brokers, orgIds);
  const owed = new Set([...accepted, ...[...onTopic.keys()].filter((k) => sent.has(k))]);

  await eventually(
    async () => {
      const stored = await storedCounts(db, orgIds);
      const missing = [...owed].filter((k) => !stored.has(k)).length;
      const letters =
        poison.length > 0 ? checkDeadLetters(await readDeadLetters(brokers), poison) : undefined;
      if (missing > 0 || (letters?.missing.length ?? 0) > 0)
        throw new Error(
          `${missing} events not stored, ${letters?.missing.length ?? 0} poison records not dead-lettered`,
        );
    },
    { timeoutMs, intervalMs: 1_000 },
  ).catch(() => undefined); // counted below either way

  const stored = await storedCounts(db, orgIds);
  const deadLetters = checkDeadLetters(await readDeadLetters(brokers), poison);
  const lostIds = accepted.filter((k) => !stored.has(k));
  const doubledIds = [...stored].filter(([, n]) => n > 1).map(([k]) => k);
  const phantomIds = [...stored.keys()].filter((k) => !sent.has(k));
  const readModels = await readModelsVersusRebuild(db);
  return {
    sent: sent.size,
    accepted: accepted.length,
    stored: [...stored.keys()].filter((k) => sent.has(k)).length,
    deadLettered: deadLetters.records,
    lost: lostIds.length + deadLetters.missing.length,
    doubled: doubledIds.length + Object.keys(deadLetters.repeated).length,
    poisonProduced: poison.length,
    answers: ledger.answers,
    refused: ledger.refusedKeys.length,
    kafkaRepeats: [...onTopic.values()].reduce((sum, n) => sum + n - 1, 0),
    lostIds: lostIds.slice(0, 20),
    lostOnTopic: lostIds.filter((k) => onTopic.has(k)).length,
    doubledIds: doubledIds.slice(0, 20),
    phantomIds: phantomIds.slice(0, 20),
    deadLetters,
    readModels,
  };
}

export function reconciliationLine(scenario: string, r: Reconciliation): string {
  return (
    `fault ${scenario}: sent ${r.sent} / accepted ${r.accepted} / stored ${r.stored} / ` +
    `dead-lettered ${r.deadLettered} / lost ${r.lost} / doubled ${r.doubled}`
  );
}

/** Everything the scenario must fail on; empty when the pipeline kept every promise. */
export function reconciliationProblems(r: Reconciliation): string[] {
  const problems: string[] = [];
  if (r.lost > 0)
    problems.push(
      `lost ${r.lost}: accepted but not stored ${JSON.stringify(r.lostIds)} (${r.lostOnTopic} of them on the events topic); ` +
        `poison not dead-lettered ${JSON.stringify(r.deadLetters.missing)}`,
    );
  if (r.doubled > 0)
    problems.push(
      `doubled ${r.doubled}: stored twice ${JSON.stringify(r.doubledIds)}; dead-lettered twice ${JSON.stringify(r.deadLetters.repeated)}`,
    );
  if (r.phantomIds.length > 0) problems.push(`stored but never sent: ${JSON.stringify(r.phantomIds)}`);
  if (r.deadLetters.unexpected.length > 0)
    problems.push(
      `dead letters that are no poison record: ${JSON.stringify(r.deadLetters.unexpected.slice(0, 10))}`,
    );
  for (const diff of r.readModels.filter((d) => d.onlyLive + d.onlyRebuilt > 0))
    problems.push(`read model ${diff.table} differs from a rebuild: ${JSON.stringify(diff)}`);
  return problems;
}
