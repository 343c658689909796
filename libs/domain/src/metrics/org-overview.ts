import { type TeamTimeline, blockedIntervalAt, isRegisteredAt } from '../teams/team-timeline';
import type { Window } from '../time/window';
import { idleness } from './idleness';

export interface OrgOverview {
  teams: number;
  blockedTeams: number;
  idlePersonDays: number;
}

/** Contract §4: teams registered and not archived at min(to, now), those blocked then, and all idle time. */
export function orgOverview(timelines: readonly TeamTimeline[], window: Window, now: number): OrgOverview {
  const t = Math.min(window.to, now);
  const active = timelines.filter((tl) => isRegisteredAt(tl, t));
  return {
    teams: active.length,
    blockedTeams: active.filter((tl) => blockedIntervalAt(tl, t) !== undefined).length,
    idlePersonDays: timelines.reduce((sum, tl) => sum + idleness(tl, window, now).idlePersonDays, 0),
  };
}
