import { type BlockReason, type TeamTimeline, headcountAt } from '../teams/team-timeline';
import { DAY_MS, HOUR_MS, type Window, inWindow, overlapMs } from '../time/window';

export interface Idleness {
  blockedHours: number;
  idlePersonDays: number;
  blockedEpisodes: number;
}

/** A stretch of blocked time inside the window, with what blocked it. */
interface BlockedStretch {
  start: number;
  end: number;
  reason: BlockReason;
  blockedBy: string | null;
}

/** Blocked time clipped to [from, min(to, now)), cut where the reason changes. */
function blockedStretches(timeline: TeamTimeline, window: Window, now: number): BlockedStretch[] {
  const clip: Window = { from: window.from, to: Math.min(window.to, now) };
  const stretches: BlockedStretch[] = [];
  for (const interval of timeline.blocked) {
    const end = interval.end ?? now;
    interval.segments.forEach((segment, i) => {
      const segmentEnd = i + 1 < interval.segments.length ? interval.segments[i + 1].at : end;
      const start = Math.max(segment.at, clip.from);
      const stop = Math.min(segmentEnd, clip.to);
      if (stop > start)
        stretches.push({ start, end: stop, reason: segment.reason, blockedBy: segment.blockedBy });
    });
  }
  return stretches;
}

/** Integral of headcount over [start, end), in person-milliseconds. */
function personMs(timeline: TeamTimeline, start: number, end: number): number {
  let total = 0;
  let cursor = start;
  let headcount = headcountAt(timeline, start);
  for (const change of timeline.headcount) {
    if (change.at <= start) continue;
    if (change.at >= end) break;
    total += headcount * (change.at - cursor);
    cursor = change.at;
    headcount = change.headcount;
  }
  return total + headcount * (end - cursor);
}

/**
 * A team's blocked time in [from, min(to, now)) in ms, and that time × its headcount in person-ms: integers,
 * so sums over many teams (or parts of one team's timeline) are exact in any order.
 */
export function blockedTime(
  timeline: TeamTimeline,
  window: Window,
  now: number,
): { blockedMs: number; personMs: number } {
  const stretches = blockedStretches(timeline, window, now);
  return {
    blockedMs: stretches.reduce((sum, s) => sum + overlapMs(s.start, s.end, window), 0),
    personMs: stretches.reduce((sum, s) => sum + personMs(timeline, s.start, s.end), 0),
  };
}

/** Contract §4: blocked hours, idle person-days and episodes of one team in a window. */
export function idleness(timeline: TeamTimeline, window: Window, now: number): Idleness {
  const time = blockedTime(timeline, window, now);
  return {
    blockedHours: time.blockedMs / HOUR_MS,
    idlePersonDays: time.personMs / DAY_MS,
    blockedEpisodes: timeline.blocked.filter((i) => inWindow(i.start, window) && i.start <= now).length,
  };
}

export interface IdleBreakdown {
  key: string;
  blockedHours: number;
  idlePersonDays: number;
}

/** Idle time split by reason, or by blocking team (`blockedBy`, "unknown" when none was named). */
export function idlenessBy(
  timeline: TeamTimeline,
  window: Window,
  now: number,
  by: 'reason' | 'blockedBy',
): IdleBreakdown[] {
  const totals = new Map<string, IdleBreakdown>();
  for (const s of blockedStretches(timeline, window, now)) {
    const key = by === 'reason' ? s.reason : (s.blockedBy ?? 'unknown');
    const entry = totals.get(key) ?? { key, blockedHours: 0, idlePersonDays: 0 };
    entry.blockedHours += (s.end - s.start) / HOUR_MS;
    entry.idlePersonDays += personMs(timeline, s.start, s.end) / DAY_MS;
    totals.set(key, entry);
  }
  return [...totals.values()].sort(
    (a, b) => b.idlePersonDays - a.idlePersonDays || a.key.localeCompare(b.key),
  );
}

/** §8: idle person-days priced at the org's rate; null while no rate is set. */
export const idleCostOf = (idlePersonDays: number, idleCostPerPersonDay: number | null): number | null =>
  idleCostPerPersonDay === null ? null : idlePersonDays * idleCostPerPersonDay;

export interface BlockingEdge {
  blockingTeamId: string;
  blockedTeamId: string;
  blockedHours: number;
  idlePersonDays: number;
}

/** One (blocking team, blocked team) pair's time in a window, in integer ms and person-ms. */
export interface BlockingPairTime {
  blockingTeamId: string;
  blockedTeamId: string;
  blockedMs: number;
  personMs: number;
}

/**
 * §8, who blocks whom: per (blocking team, blocked team), the blocked time inside the window while the
 * blocked team's current `blockedBy` was the blocking team. Time with no `blockedBy` is no edge.
 */
export function blockingEdges(teams: readonly TeamTimeline[], window: Window, now: number): BlockingEdge[] {
  const pairs = new Map<string, BlockingPairTime>();
  for (const team of teams) {
    for (const s of blockedStretches(team, window, now)) {
      if (s.blockedBy === null) continue;
      const key = JSON.stringify([s.blockedBy, team.teamId]);
      let pair = pairs.get(key);
      if (pair === undefined)
        pairs.set(
          key,
          (pair = { blockingTeamId: s.blockedBy, blockedTeamId: team.teamId, blockedMs: 0, personMs: 0 }),
        );
      pair.blockedMs += s.end - s.start;
      pair.personMs += personMs(team, s.start, s.end);
    }
  }
  return blockingEdgesOf(pairs.values());
}

/**
 * The edges of pairs' times, most idle first: sums kept in integer ms until here, so that any way of
 * summing a pair's time (team by team, or in SQL) gives the same figures (exactly while a pair's
 * person-ms stay under 2^53, about 104,000 person-days).
 */
export function blockingEdgesOf(pairs: Iterable<BlockingPairTime>): BlockingEdge[] {
  return [...pairs]
    .map((p) => ({
      blockingTeamId: p.blockingTeamId,
      blockedTeamId: p.blockedTeamId,
      blockedHours: p.blockedMs / HOUR_MS,
      idlePersonDays: p.personMs / DAY_MS,
    }))
    .sort(
      (a, b) =>
        b.idlePersonDays - a.idlePersonDays ||
        b.blockedHours - a.blockedHours ||
        a.blockingTeamId.localeCompare(b.blockingTeamId) ||
        a.blockedTeamId.localeCompare(b.blockedTeamId),
    );
}
