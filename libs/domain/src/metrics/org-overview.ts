import type { TeamTimeline } from '../teams/team-timeline';
import type { Window } from '../time/window';
import { type Overview, overviewOf } from './roll-up';

export type OrgOverview = Overview;

/** Contract §4: teams registered and not archived at min(to, now), those blocked then, and all idle time. */
export const orgOverview = (
  timelines: readonly TeamTimeline[],
  window: Window,
  now: number,
  idleCostPerPersonDay: number | null = null,
): OrgOverview => overviewOf(timelines, timelines, window, now, idleCostPerPersonDay);
