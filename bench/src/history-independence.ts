import type { EventEnvelope } from '@orgpulse/contracts';
import type { BenchStack } from './bench-stack';
import { postAll, requestBodies, storedEvents, waitForStored } from './ingest-throughput';
import { type ProjectionLag, type SteadyStream, projectionLag } from './projection-lag';

const DAY_MS = 86_400_000;
/** How far back a history subject's events go: a busy team's year. */
export const HISTORY_DAYS = 365;

export interface HistoryIndependence {
  subjects: number;
  /** Events each history subject held before its half of the stream. */
  historyEvents: number;
  /** E2's stream on the teams with history, then on as many teams that had only their registration. */
  history: ProjectionLag;
  fresh: ProjectionLag;
  /** history p99 over fresh p99: the target is at most 2. */
  p99Ratio: number;
}

const CYCLE = [
  ...Array<'interview'>(4).fill('interview'),
  ...Array<'ship'>(4).fill('ship'),
  'block',
  'unblock',
] as const;
const REASONS = ['environment', 'dependency', 'decision-pending'] as const;

export const historyTeam = (s: number) => `e7-history-${s}`;
export const freshTeam = (s: number) => `e7-fresh-${s}`;

/**
 * `perSubject` events for each of `subjects` teams, spread evenly over the HISTORY_DAYS before `end`, in
 * occurrence order: each team's registration, then in turn four interviews, four ships, a block and
 * its unblock; the last one an unblock, so that no team ends blocked.
 */
export function teamHistories(subjects: number, perSubject: number, end: Date): EventEnvelope[] {
  const span = HISTORY_DAYS * DAY_MS;
  const events: { at: number; event: EventEnvelope }[] = [];
  for (let s = 0; s < subjects; s++) {
    const teamId = historyTeam(s);
    for (let i = 0; i < perSubject; i++) {
      // the subjects' events interleave, none at the same millisecond
      const at = end.getTime() - span + Math.floor(((i + 0.5) * span) / perSubject) + s;
      const occurredAt = new Date(at).toISOString();
      const id = `e7-history-${s}-${i}`;
      const kind = i === 0 ? 'register' : i === perSubject - 1 ? 'unblock' : CYCLE[i % CYCLE.length];
      const event: EventEnvelope =
        kind === 'register'
          ? { id, type: 'team.registered', occurredAt, data: { teamId, name: `History ${s}`, headcount: 8 } }
          : kind === 'interview'
            ? { id, type: 'discovery.interview-held', occurredAt, data: { teamId } }
            : kind === 'ship'
              ? { id, type: 'delivery.shipped', occurredAt, data: { teamId, release: `r-${i}` } }
              : kind === 'block'
                ? { id, type: 'team.blocked', occurredAt, data: { teamId, reason: REASONS[i % 3] } }
                : { id, type: 'team.unblocked', occurredAt, data: { teamId } };
      events.push({ at, event });
    }
  }
  return events.sort((a, b) => a.at - b.at).map((e) => e.event);
}

const stream = (idPrefix: string, team: (s: number) => string, subjects: number): SteadyStream => ({
  idPrefix,
  teamOf: (n) => team(n % subjects),
});

/**
 * E7: E2's lag on teams that each already hold `historyEvents` events (posted through ingest before,
 * the projector settled), then on as many teams holding only their registration, at the same rate and
 * for as long. The halves run one after the other, not mixed: the projector commits a batch at once, so
 * in a mixed stream the fresh teams' events would wait for the history teams' ones. History goes first,
 * so whatever its setup leaves running (alert rounds) weighs on it, not on the fresh half.
 */
export async function historyIndependence(
  stack: BenchStack,
  options: { subjects: number; historyEvents: number; rate: number; seconds: number; clients: number },
  log: (message: string) => void,
): Promise<HistoryIndependence> {
  const { subjects, historyEvents } = options;
  const history = teamHistories(subjects, historyEvents, new Date(Date.now() - 3_600_000));
  log(`E7: posting ${history.length} events of history for ${subjects} teams`);
  const before = await storedEvents(stack.databaseUrl, stack.org.orgId);
  await postAll(stack, requestBodies(history).bodies, options.clients);
  await waitForStored(stack.databaseUrl, stack.org.orgId, before + history.length, 30 * 60_000);
  log(`E7: lag on the ${subjects} teams with history`);
  const old = await projectionLag(
    stack,
    options.rate,
    options.seconds,
    stream('e7-old-', historyTeam, subjects),
  );
  const registered = new Date(Date.now() - 60_000).toISOString();
  const registrations: EventEnvelope[] = Array.from({ length: subjects }, (_, s) => ({
    id: `e7-fresh-${s}-0`,
    type: 'team.registered',
    occurredAt: registered,
    data: { teamId: freshTeam(s), name: `Fresh ${s}`, headcount: 8 },
  }));
  const stored = await storedEvents(stack.databaseUrl, stack.org.orgId);
  await postAll(stack, requestBodies(registrations).bodies, 1);
  await waitForStored(stack.databaseUrl, stack.org.orgId, stored + subjects, 60_000);
  log(`E7: lag on ${subjects} fresh teams`);
  const fresh = await projectionLag(
    stack,
    options.rate,
    options.seconds,
    stream('e7-new-', freshTeam, subjects),
  );
  return { subjects, historyEvents, history: old, fresh, p99Ratio: old.p99Ms / fresh.p99Ms };
}
