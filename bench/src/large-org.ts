import type { EventData, EventEnvelope, EventType } from '@orgpulse/contracts';
import type { LargeOrgSize } from './bench-options';
import { Random } from './random';

export interface LargeOrgShape extends LargeOrgSize {
  days: number;
  /** Midnight UTC of the first day. */
  start: Date;
  seed: number;
}

/** Child groups per group: 5,000 groups make a tree six levels deep under one root. */
export const GROUP_FAN_OUT = 8;
/** Per year: a tenth of the teams move to another group, a tenth of the engineers to another manager. */
const TEAM_MOVES = 0.1;
const MANAGER_CHANGES = 0.1;
/** Per year: one group in a hundred moves under another parent of its level. */
const REPARENTS = 0.01;
/** Of the events left after registrations and reorganisations, the share that are 1:1s. */
const ONE_ON_ONE_SHARE = 0.5;

const DAY_MS = 86_400_000;
const REASONS: EventData<'team.blocked'>['reason'][] = [
  'unclear-priorities',
  'dependency',
  'decision-pending',
  'environment',
  'other',
];

const groupId = (g: number) => `g-${g}`;
const teamId = (t: number) => `t-${t}`;
const parentOf = (g: number): number | null => (g === 0 ? null : Math.floor((g - 1) / GROUP_FAN_OUT));
const isLeafGroup = (g: number, groups: number) => g * GROUP_FAN_OUT + 1 >= groups;

/**
 * The org chart: group leaders (each reporting to the parent group's leader), a PM and an engineering
 * manager per team (reporting to the team's group leader), engineers (and some designers) under the
 * engineering managers. People are numbered in that order.
 */
function orgChart(size: LargeOrgSize) {
  const leafGroups = Array.from({ length: size.groups }, (_, g) => g).filter((g) =>
    isLeafGroup(g, size.groups),
  );
  const groupOfTeam = (t: number) => leafGroups[t % leafGroups.length];
  const engineers = size.people - size.groups - 2 * size.teams;
  const pmIndex = (t: number) => size.groups + 2 * t;
  const emIndex = (t: number) => size.groups + 2 * t + 1;
  const firstEngineer = size.groups + 2 * size.teams;
  const personId = (p: number) =>
    p < size.groups
      ? `lead-${p}`
      : p < firstEngineer
        ? `${(p - size.groups) % 2 === 0 ? 'pm' : 'em'}-${Math.floor((p - size.groups) / 2)}`
        : `eng-${p - firstEngineer}`;
  const managerOf = new Int32Array(size.people);
  for (let p = 0; p < size.people; p++) {
    if (p < size.groups) managerOf[p] = parentOf(p) ?? -1;
    else if (p < firstEngineer) managerOf[p] = groupOfTeam(Math.floor((p - size.groups) / 2));
    else managerOf[p] = emIndex((p - firstEngineer) % size.teams);
  }
  const role = (p: number): EventData<'person.registered'>['role'] =>
    p < size.groups
      ? 'leader'
      : p < firstEngineer
        ? (p - size.groups) % 2 === 0
          ? 'pm'
          : 'engineering-manager'
        : (p - firstEngineer) % 8 === 7
          ? 'designer'
          : 'engineer';
  const headcount = (t: number) =>
    2 + Math.floor(engineers / size.teams) + (t < engineers % size.teams ? 1 : 0);
  return {
    leafGroups,
    groupOfTeam,
    engineers,
    firstEngineer,
    pmIndex,
    emIndex,
    personId,
    managerOf,
    role,
    headcount,
  };
}

/** The events of a year other than activity and 1:1s: registrations and reorganisations. */
function fixedEvents(size: LargeOrgSize) {
  const engineers = size.people - size.groups - 2 * size.teams;
  const registrations = size.groups + size.people + size.teams;
  const teamMoves = Math.ceil(size.teams * TEAM_MOVES);
  const reparents = size.groups > 1 + GROUP_FAN_OUT ? Math.ceil(size.groups * REPARENTS) : 0;
  const managerChanges = Math.ceil(engineers * MANAGER_CHANGES);
  return { registrations, teamMoves, reparents, managerChanges };
}

/** Why this org cannot be generated, or undefined. */
export function largeOrgProblem(size: LargeOrgSize): string | undefined {
  const managers = size.groups + 2 * size.teams;
  if (size.people < managers)
    return `people must be at least ${managers} (a leader per group, a PM and a manager per team)`;
  const fixed = Object.values(fixedEvents(size)).reduce((a, b) => a + b, 0);
  if (size.events <= fixed) return `events must be more than ${fixed} (registrations and reorganisations)`;
  return undefined;
}

/** How many of `total` fall on the i-th of `slots` slots, spread evenly (the shares sum to total). */
const share = (total: number, i: number, slots: number) =>
  Math.floor((total * (i + 1)) / slots) - Math.floor((total * i) / slots);

/**
 * A large org's year as a stream in occurrence order, at least `events` of them, never all in memory:
 * a group tree GROUP_FAN_OUT wide under one root, teams in its leaf groups, people in a management
 * chain that follows the groups; on day 0 every group, person and team registers (parents before
 * children, managers before reports). Then each weekday a fixed share of: team activity (interviews,
 * some with the product trio, ships, blocks of 1 to 10 days, some by another team), 1:1s (every
 * report in turn with their manager of the day), teams moving group, groups moving parent, engineers
 * changing manager. The same shape and seed give the same events.
 */
export function* largeOrg(shape: LargeOrgShape): Generator<EventEnvelope> {
  const problem = largeOrgProblem(shape);
  if (problem) throw new Error(problem);
  const chart = orgChart(shape);
  const fixed = fixedEvents(shape);
  const left = shape.events - Object.values(fixed).reduce((a, b) => a + b, 0);
  const oneOnOnes = Math.ceil(left * ONE_ON_ONE_SHARE);
  const actions = left - oneOnOnes;
  const weekdays = Array.from({ length: shape.days - 1 }, (_, i) => i + 1).filter(
    (day) => (new Date(shape.start.getTime() + day * DAY_MS).getUTCDay() + 6) % 7 < 5,
  );
  if (weekdays.length === 0) throw new Error('the year needs a weekday after its first day');

  const random = new Random(shape.seed);
  let sequence = 0;
  const event = <T extends EventType>(type: T, occurredAt: string, data: EventData<T>): EventEnvelope => ({
    id: `large-${shape.seed}-${++sequence}`,
    type,
    occurredAt,
    source: 'bench-large',
    data,
  });

  // day 0, a millisecond apart from 06:00 in this order
  const day0 = shape.start.getTime() + 6 * 3_600_000;
  const early = () => new Date(day0 + sequence).toISOString();
  for (let g = 0; g < shape.groups; g++) {
    const parent = parentOf(g);
    yield event('group.registered', early(), {
      groupId: groupId(g),
      name: `Group ${g}`,
      parentId: parent === null ? null : groupId(parent),
    });
  }
  const managerOf = chart.managerOf;
  for (let p = 0; p < shape.people; p++)
    yield event('person.registered', early(), {
      personId: chart.personId(p),
      name: `Person ${p}`,
      role: chart.role(p),
      managerId: managerOf[p] < 0 ? null : chart.personId(managerOf[p]),
    });
  for (let t = 0; t < shape.teams; t++)
    yield event('team.registered', early(), {
      teamId: teamId(t),
      name: `Team ${t}`,
      headcount: chart.headcount(t),
      groupId: groupId(chart.groupOfTeam(t)),
      pmId: chart.personId(chart.pmIndex(t)),
      managerId: chart.personId(chart.emIndex(t)),
    });

  const groupOf = Int32Array.from({ length: shape.teams }, (_, t) => chart.groupOfTeam(t));
  const blocked = new Uint8Array(shape.teams);
  const unblockOn = new Map<number, number[]>();
  let nextReport = 1; // person 0 leads the root group and has no manager
  for (let w = 0; w < weekdays.length; w++) {
    const day = weekdays[w];
    const between = (fromHour: number, toHour: number) =>
      new Date(
        shape.start.getTime() + day * DAY_MS + random.int(fromHour * 3600, toHour * 3600 - 1) * 1000,
      ).toISOString();
    const at = () => between(8, 18);
    const today: EventEnvelope[] = [];
    // before the day's work (and blocks) begins; those due on a weekend end on the Monday
    for (let d = w === 0 ? 1 : weekdays[w - 1] + 1; d <= day; d++) {
      for (const t of unblockOn.get(d) ?? []) {
        today.push(event('team.unblocked', between(7, 8), { teamId: teamId(t) }));
        blocked[t] = 0;
      }
      unblockOn.delete(d);
    }
    for (let i = share(actions, w, weekdays.length); i > 0; i--) {
      const t = random.int(0, shape.teams - 1);
      const kind = random.next();
      if (kind < 0.15 && !blocked[t]) {
        const reason = random.pick(REASONS);
        const by = reason === 'dependency' ? random.int(0, shape.teams - 1) : t;
        today.push(
          event('team.blocked', at(), {
            teamId: teamId(t),
            reason,
            ...(by !== t ? { blockedBy: teamId(by) } : {}),
          }),
        );
        blocked[t] = 1;
        const until = day + random.int(1, 10);
        unblockOn.set(until, [...(unblockOn.get(until) ?? []), t]);
      } else if (kind < 0.55) {
        const trio = random.chance(0.3);
        today.push(
          event('discovery.interview-held', at(), {
            teamId: teamId(t),
            customer: `c-${random.int(1, 5000)}`,
            ...(trio ? { participantRoles: ['pm', 'designer', 'engineer'] } : {}),
          }),
        );
      } else today.push(event('delivery.shipped', at(), { teamId: teamId(t), release: `r-${day}-${i}` }));
    }
    for (let i = share(oneOnOnes, w, weekdays.length); i > 0; i--) {
      const report = nextReport;
      nextReport = nextReport + 1 === shape.people ? 1 : nextReport + 1;
      today.push(
        event('one-on-one.held', at(), {
          managerId: chart.personId(managerOf[report]),
          reportId: chart.personId(report),
        }),
      );
    }
    for (let i = share(fixed.teamMoves, w, weekdays.length); i > 0; i--) {
      const t = random.int(0, shape.teams - 1);
      groupOf[t] = random.pick(chart.leafGroups);
      today.push(
        event('team.registered', at(), {
          teamId: teamId(t),
          name: `Team ${t}`,
          headcount: chart.headcount(t),
          groupId: groupId(groupOf[t]),
          pmId: chart.personId(chart.pmIndex(t)),
          managerId: chart.personId(chart.emIndex(t)),
        }),
      );
    }
    for (let i = share(fixed.reparents, w, weekdays.length); i > 0; i--) {
      // a group below the second level moves under another group of its parent's level: never a cycle
      const g = random.int(1 + GROUP_FAN_OUT, shape.groups - 1);
      const level = levelRange(parentOf(g)!);
      const parent = random.int(level.first, level.last);
      today.push(
        event('group.registered', at(), {
          groupId: groupId(g),
          name: `Group ${g}`,
          parentId: groupId(parent),
        }),
      );
    }
    for (let i = share(fixed.managerChanges, w, weekdays.length); i > 0; i--) {
      const p = chart.firstEngineer + random.int(0, chart.engineers - 1);
      managerOf[p] = chart.emIndex(random.int(0, shape.teams - 1));
      today.push(
        event('person.manager-changed', at(), {
          personId: chart.personId(p),
          managerId: chart.personId(managerOf[p]),
        }),
      );
    }
    today.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
    yield* today;
  }
}

/** The first and last group of the level of group g (levels: 0; 1..8; 9..72; ...). */
function levelRange(g: number): { first: number; last: number } {
  let first = 0;
  let width = 1;
  while (g >= first + width) {
    first += width;
    width *= GROUP_FAN_OUT;
  }
  return { first, last: first + width - 1 };
}

/** The org's group ids, for requests that pick a group. */
export const largeOrgGroupIds = (size: Pick<LargeOrgSize, 'groups'>): string[] =>
  Array.from({ length: size.groups }, (_, g) => groupId(g));
