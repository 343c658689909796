import type { AcceptedEvent, EventData, EventEnvelope, EventType } from '@orgpulse/contracts';
import { Random } from './random';

export interface OrgShape {
  teams: number;
  people: number;
  days: number;
  /** Midnight UTC of the first day. */
  start: Date;
  seed: number;
}

const DAY_MS = 86_400_000;

/** The bench's year: it starts at a UTC midnight and ends a week ago (every event in the past, as in a backfill). */
export const syntheticYearStart = (days: number): Date => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days + 7) * DAY_MS);
};

/** The org (null) and every group its teams were registered in: E3-uncached's scopes. */
export const dashboardGroupsOf = (events: readonly EventEnvelope[]): (string | null)[] => [
  null,
  ...new Set(
    events.flatMap((e) =>
      e.type === 'team.registered' ? [(e.data as { groupId?: string }).groupId ?? []].flat() : [],
    ),
  ),
];
const REASONS: EventData<'team.blocked'>['reason'][] = [
  'unclear-priorities',
  'dependency',
  'decision-pending',
  'environment',
  'other',
];

interface Person {
  id: string;
  managerId: string | null;
}

/**
 * A plausible org: group leaders, a PM and an engineering manager per team, engineers under the
 * managers; per team and weekday some interviews, ships and blocks of 1 to 10 days; a 1:1 between
 * each manager and each report about every two weeks; a few reporting-line changes. Sorted by occurrence.
 */
export function syntheticOrg(shape: OrgShape): EventEnvelope[] {
  const leaders = Math.max(1, Math.round(shape.teams / 20));
  const engineers = shape.people - leaders - 2 * shape.teams;
  if (engineers < 0)
    throw new Error(`people must be at least ${leaders + 2 * shape.teams} for ${shape.teams} teams`);
  const random = new Random(shape.seed);
  const events: EventEnvelope[] = [];
  let sequence = 0;
  const at = (day: number, random: Random) =>
    new Date(shape.start.getTime() + day * DAY_MS + random.int(8 * 3600, 18 * 3600) * 1000).toISOString();
  const add = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>) =>
    events.push({
      id: `bench-${shape.seed}-${++sequence}`,
      type,
      occurredAt,
      source: 'bench',
      data,
    });

  const people: Person[] = [];
  const leaderIds = Array.from({ length: leaders }, (_, i) => `leader-${i}`);
  for (const id of leaderIds) people.push({ id, managerId: null });
  const teamIds = Array.from({ length: shape.teams }, (_, i) => `team-${i}`);
  const emOf = (team: number) => `em-${team}`;
  teamIds.forEach((_, t) => {
    const leader = leaderIds[t % leaders];
    people.push({ id: `pm-${t}`, managerId: leader }, { id: emOf(t), managerId: leader });
  });
  for (let e = 0; e < engineers; e++) people.push({ id: `eng-${e}`, managerId: emOf(e % shape.teams) });
  for (const person of people) {
    const role = person.id.startsWith('leader')
      ? 'leader'
      : person.id.startsWith('pm')
        ? 'pm'
        : person.id.startsWith('em')
          ? 'engineering-manager'
          : 'engineer';
    add('person.registered', at(0, random), {
      personId: person.id,
      name: person.id,
      role,
      managerId: person.managerId,
    });
  }
  const headcount = (t: number) =>
    Math.floor(engineers / shape.teams) + (t < engineers % shape.teams ? 1 : 0) + 2;
  teamIds.forEach((teamId, t) =>
    add('team.registered', at(0, random), {
      teamId,
      name: `Team ${t}`,
      headcount: headcount(t),
      groupId: `group-${t % leaders}`,
      pmId: `pm-${t}`,
      managerId: emOf(t),
    }),
  );

  const unblockOn = new Map<string, number>();
  for (let day = 1; day < shape.days; day++) {
    const weekday = (new Date(shape.start.getTime() + day * DAY_MS).getUTCDay() + 6) % 7 < 5;
    teamIds.forEach((teamId, t) => {
      if (unblockOn.get(teamId) === day) {
        add('team.unblocked', at(day, random), { teamId });
        unblockOn.delete(teamId);
      }
      if (!weekday) return;
      if (random.chance(0.3))
        add('discovery.interview-held', at(day, random), { teamId, customer: `c-${random.int(1, 500)}` });
      if (random.chance(0.4)) add('delivery.shipped', at(day, random), { teamId, release: `r-${day}` });
      if (!unblockOn.has(teamId) && random.chance(0.06)) {
        const reason = random.pick(REASONS);
        const blockedBy = reason === 'dependency' ? teamIds[(t + 1) % teamIds.length] : undefined;
        add('team.blocked', at(day, random), { teamId, reason, ...(blockedBy ? { blockedBy } : {}) });
        unblockOn.set(teamId, day + random.int(1, 10));
      }
      if (day % 91 === 0) {
        add('team.registered', at(day, random), {
          teamId,
          name: `Team ${t}`,
          headcount: headcount(t) + random.int(-1, 1),
          groupId: `group-${t % leaders}`,
        });
      }
    });
    people.forEach((person, p) => {
      if (person.managerId !== null && (day + p) % 14 === 0)
        add('one-on-one.held', at(day, random), { managerId: person.managerId, reportId: person.id });
    });
    if (day % 2 === 0 && engineers > 0) {
      const moved = people[leaders + 2 * shape.teams + random.int(0, engineers - 1)];
      moved.managerId = emOf(random.int(0, shape.teams - 1));
      add('person.manager-changed', at(day, random), { personId: moved.id, managerId: moved.managerId });
    }
  }
  return events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
}

/** The events as ingest accepts them for one org: what it writes to Kafka. */
export const accepted = (
  events: readonly EventEnvelope[],
  orgId: string,
  ingestedAt: string,
): AcceptedEvent[] => events.map((e) => ({ ...e, version: 1, orgId, ingestedAt }) as AcceptedEvent);

/** `accepted` for a stream, one event at a time. */
export function* acceptedStream(
  events: Iterable<EventEnvelope>,
  orgId: string,
  ingestedAt: string,
): Generator<AcceptedEvent> {
  for (const e of events) yield { ...e, version: 1, orgId, ingestedAt } as AcceptedEvent;
}
