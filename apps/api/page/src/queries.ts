/** Every figure on the page comes from these documents (contract §10). */

export const OVERVIEW = `query Overview($w: Window!, $p: Window!, $g: ID) {
  current: orgOverview(window: $w, groupId: $g) { teams blockedTeams idlePersonDays }
  previous: orgOverview(window: $p, groupId: $g) { teams blockedTeams idlePersonDays }
  dataFreshness { lastEventProjectedAt projectionLagSeconds ageSeconds }
}`;

export const SETTINGS = `query Settings { settings { discoveryTarget oneOnOneIntervalDays } }`;

export const TEAMS_PAGE_SIZE = 100;
export const TEAMS = `query Teams($w: Window!, $g: ID, $first: Int, $after: ID) {
  teams(groupId: $g, first: $first, after: $after) {
    id name headcount blocked
    currentBlock { since reason blockedBy blockedHours idlePersonDays idleCost }
    idleness(window: $w) { blockedHours idlePersonDays }
    discovery(window: $w) { interviews adherence }
    weeklyTrend(window: $w) { weekStart idlePersonDays interviews }
    idlenessByReason(window: $w) { key idlePersonDays blockedHours }
    idlenessByBlockingTeam(window: $w) { key idlePersonDays blockedHours }
  }
}`;

export const MANAGERS = `query Managers { managers(first: 500) { id directReports oneOnOneCoverage overdueReports } }`;

/** Issue 13's hierarchy; an API without it answers a validation error and the page hides the picker. */
export const GROUPS = `query Groups { groups { id name parent { id } } }`;

const ALERT_FIELDS = 'id rule subjectId status raisedAt resolvedAt';
export const ALERTS = `query Alerts { alerts(status: OPEN, first: 200) { ${ALERT_FIELDS} } }`;
export const ALERT_CHANGED = `subscription AlertChanged { alertChanged { ${ALERT_FIELDS} } }`;

export const TEAM = `query Team($id: ID!, $w: Window!) {
  team(id: $id) {
    id name headcount blocked
    currentBlock { since reason blockedBy idlePersonDays idleCost }
    idleness(window: $w) { blockedHours idlePersonDays blockedEpisodes }
    discovery(window: $w) { interviews adherence daysSinceLast }
    delivery(window: $w) { ships daysSinceLast }
    weeklyTrend(window: $w) { weekStart idlePersonDays interviews ships }
    timeline(window: $w) { at kind reason blockedBy headcount }
  }
}`;

export interface Overview {
  teams: number;
  blockedTeams: number;
  idlePersonDays: number;
}
export interface OverviewAnswer {
  current: Overview;
  previous: Overview;
  dataFreshness: {
    lastEventProjectedAt: string | null;
    projectionLagSeconds: number | null;
    ageSeconds: number | null;
  };
}
export interface Breakdown {
  key: string;
  idlePersonDays: number;
  blockedHours: number;
}
export interface CurrentBlock {
  since: string;
  reason: string;
  blockedBy: string | null;
  blockedHours: number;
  idlePersonDays: number;
  idleCost: number | null;
}
export interface TeamRow {
  id: string;
  name: string | null;
  headcount: number;
  blocked: boolean;
  currentBlock: CurrentBlock | null;
  idleness: { blockedHours: number; idlePersonDays: number };
  discovery: { interviews: number; adherence: number };
  weeklyTrend: { weekStart: string; idlePersonDays: number; interviews: number }[];
  idlenessByReason: Breakdown[];
  idlenessByBlockingTeam: Breakdown[];
}
export interface ManagerRow {
  id: string;
  directReports: number;
  oneOnOneCoverage: number | null;
  overdueReports: string[];
}
export interface GroupRow {
  id: string;
  name: string | null;
  parent: { id: string } | null;
}
export interface AlertRow {
  id: string;
  rule: string;
  subjectId: string;
  status: 'OPEN' | 'RESOLVED';
  raisedAt: string;
  resolvedAt: string | null;
}
export interface TeamDetail {
  id: string;
  name: string | null;
  headcount: number;
  blocked: boolean;
  currentBlock: Omit<CurrentBlock, 'blockedHours'> | null;
  idleness: { blockedHours: number; idlePersonDays: number; blockedEpisodes: number };
  discovery: { interviews: number; adherence: number; daysSinceLast: number | null };
  delivery: { ships: number; daysSinceLast: number | null };
  weeklyTrend: { weekStart: string; idlePersonDays: number; interviews: number; ships: number }[];
  timeline: {
    at: string;
    kind: string;
    reason: string | null;
    blockedBy: string | null;
    headcount: number | null;
  }[];
}
