import type { AcceptedEvent } from '@orgpulse/contracts';
import type { Fact } from '../projections/read-model';
import { type BlockReason, type TeamFact, teamFactsOf } from './team-facts';
import type { TeamHead } from './team-head';

export type { BlockReason } from './team-facts';

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

/** Applies one fact to a timeline the caller owns (folding a long history stays linear). */
export function applyTeamFact(timeline: TeamTimeline, { at, data }: Fact<TeamFact>): void {
  const last = timeline.blocked.at(-1);
  const open = last?.end === null ? last : undefined;
  switch (data.kind) {
    case 'registered':
      timeline.name = data.name;
      timeline.groupId = data.groupId;
      timeline.lifecycle.push({ at, registered: true });
      timeline.headcount.push({ at, headcount: data.headcount });
      timeline.memberships.push({ at, groupId: data.groupId });
      return;
    case 'archived':
      timeline.lifecycle.push({ at, registered: false });
      return;
    case 'blocked': {
      const segment = { at, reason: data.reason, blockedBy: data.blockedBy };
      // Blocked again while blocked: no new interval, the reason applies from now on.
      if (open) open.segments.push(segment);
      else timeline.blocked.push({ start: at, end: null, segments: [segment] });
      return;
    }
    case 'unblocked':
      if (open) open.end = at;
      return;
    case 'interview':
      timeline.interviews.push(at);
      if (data.trio) timeline.trioInterviews.push(at);
      return;
    case 'shipped':
      timeline.ships.push(at);
      return;
  }
}

/**
 * The team's timeline from `startAt` on: `start` is its head at `startAt`, `facts` (in order, none
 * before `startAt`) what happened since. Every figure about a time at or after `startAt` reads as from the
 * whole history; before it, only the latest interview, trio interview and ship are known.
 */
export function teamTimelineFrom(
  start: TeamHead,
  startAt: number,
  facts: Iterable<Fact<TeamFact>>,
): TeamTimeline {
  const timeline = emptyTeamTimeline(start.teamId);
  timeline.name = start.name;
  timeline.groupId = start.groupId;
  // a team never registered starts with nothing to carry (and no entry that could show in a window)
  if (start.registered) timeline.lifecycle.push({ at: startAt, registered: true });
  if (start.registered || start.headcount !== 0)
    timeline.headcount.push({ at: startAt, headcount: start.headcount });
  if (start.groupId !== null) timeline.memberships.push({ at: startAt, groupId: start.groupId });
  if (start.block) {
    const { since, reason, blockedBy, reasonSince } = start.block;
    timeline.blocked.push({ start: since, end: null, segments: [{ at: reasonSince, reason, blockedBy }] });
  }
  if (start.lastInterviewAt !== null) timeline.interviews.push(start.lastInterviewAt);
  if (start.lastTrioInterviewAt !== null) timeline.trioInterviews.push(start.lastTrioInterviewAt);
  if (start.lastShipAt !== null) timeline.ships.push(start.lastShipAt);
  for (const fact of facts) applyTeamFact(timeline, fact);
  return timeline;
}

/** The whole timeline of a team from its events (in occurrence order). */
export function buildTeamTimeline(teamId: string, ordered: Iterable<AcceptedEvent>): TeamTimeline {
  const timeline = emptyTeamTimeline(teamId);
  for (const fact of teamFactsOf(ordered)) applyTeamFact(timeline, fact);
  return timeline;
}

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
