import type { AcceptedEvent, EventData } from '@orgpulse/contracts';

export type BlockReason = EventData<'team.blocked'>['reason'];

export interface HeadcountChange {
  at: number;
  headcount: number;
}

/** Within one blocked interval, the reason (and blocking team) from `at` on. */
export interface ReasonSegment {
  at: number;
  reason: BlockReason;
  blockedBy: string | null;
}

export interface BlockedInterval {
  start: number;
  /** null: still blocked; the interval runs until now. */
  end: number | null;
  segments: ReasonSegment[];
}

/** The group a team belongs to from `at` on (null: none), from each team.registered (contract §8). */
export interface MembershipChange {
  at: number;
  groupId: string | null;
}

export interface LifecycleChange {
  at: number;
  registered: boolean;
}

/** Everything the team metrics need, folded once from the team's history (contract §4). */
export interface TeamTimeline {
  teamId: string;
  name: string | null;
  groupId: string | null;
  lifecycle: LifecycleChange[];
  headcount: HeadcountChange[];
  memberships: MembershipChange[];
  blocked: BlockedInterval[];
  interviews: number[];
  /** Interviews held by the product trio: pm, designer and engineer among the participants (§8). */
  trioInterviews: number[];
  ships: number[];
}

export const emptyTeamTimeline = (teamId: string): TeamTimeline => ({
  teamId,
  name: null,
  groupId: null,
  lifecycle: [],
  headcount: [],
  memberships: [],
  blocked: [],
  interviews: [],
  trioInterviews: [],
  ships: [],
});

const TRIO = ['pm', 'designer', 'engineer'] as const;

export const isTrioInterview = (roles: readonly string[] | undefined): boolean =>
  roles !== undefined && TRIO.every((role) => roles.includes(role));

/** Applies one event to a timeline the caller owns (folding a long history stays linear). */
function apply(timeline: TeamTimeline, event: AcceptedEvent): void {
  const at = Date.parse(event.occurredAt);
  const last = timeline.blocked.at(-1);
  const open = last?.end === null ? last : undefined;
  switch (event.type) {
    case 'team.registered':
      timeline.name = event.data.name;
      timeline.groupId = event.data.groupId ?? null;
      timeline.lifecycle.push({ at, registered: true });
      timeline.headcount.push({ at, headcount: event.data.headcount });
      timeline.memberships.push({ at, groupId: timeline.groupId });
      return;
    case 'team.archived':
      timeline.lifecycle.push({ at, registered: false });
      return;
    case 'team.blocked': {
      const segment = { at, reason: event.data.reason, blockedBy: event.data.blockedBy ?? null };
      // Blocked again while blocked: no new interval, the reason applies from now on.
      if (open) open.segments.push(segment);
      else timeline.blocked.push({ start: at, end: null, segments: [segment] });
      return;
    }
    case 'team.unblocked':
      if (open) open.end = at;
      return;
    case 'discovery.interview-held':
      timeline.interviews.push(at);
      if (isTrioInterview(event.data.participantRoles)) timeline.trioInterviews.push(at);
      return;
    case 'delivery.shipped':
      timeline.ships.push(at);
      return;
    default:
      return;
  }
}

const copy = (timeline: TeamTimeline): TeamTimeline => ({
  ...timeline,
  lifecycle: [...timeline.lifecycle],
  headcount: [...timeline.headcount],
  memberships: [...timeline.memberships],
  blocked: timeline.blocked.map((i) => ({ ...i, segments: [...i.segments] })),
  interviews: [...timeline.interviews],
  trioInterviews: [...timeline.trioInterviews],
  ships: [...timeline.ships],
});

/** Folds one event into the timeline; events must come in occurrence order (ties by arrival). */
export function evolveTeamTimeline(timeline: TeamTimeline, event: AcceptedEvent): TeamTimeline {
  const next = copy(timeline);
  apply(next, event);
  return next;
}

/** Folds later events (in occurrence order, none before the timeline's last) into a timeline. */
export const continueTeamTimeline = (
  timeline: TeamTimeline,
  ordered: Iterable<AcceptedEvent>,
): TeamTimeline => {
  const next = copy(timeline);
  for (const event of ordered) apply(next, event);
  return next;
};

export const buildTeamTimeline = (teamId: string, ordered: Iterable<AcceptedEvent>): TeamTimeline =>
  continueTeamTimeline(emptyTeamTimeline(teamId), ordered);

/** The latest change at or before t, from changes in time order. */
export function latestAt<T extends { at: number }>(changes: readonly T[], t: number): T | undefined {
  let found: T | undefined;
  for (const change of changes) {
    if (change.at > t) break;
    found = change;
  }
  return found;
}

export const headcountAt = (timeline: TeamTimeline, t: number): number =>
  latestAt(timeline.headcount, t)?.headcount ?? 0;

/** The team's group at t: the groupId of its latest team.registered at or before t (§8). */
export const groupAt = (timeline: TeamTimeline, t: number): string | null =>
  latestAt(timeline.memberships, t)?.groupId ?? null;

export const isRegisteredAt = (timeline: TeamTimeline, t: number): boolean =>
  latestAt(timeline.lifecycle, t)?.registered ?? false;

/** The blocked interval that contains t, if any; an open interval contains every t from its start. */
export const blockedIntervalAt = (timeline: TeamTimeline, t: number): BlockedInterval | undefined =>
  timeline.blocked.find((i) => i.start <= t && (i.end === null || t < i.end));
