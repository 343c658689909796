/** Every figure on the page comes from these documents (contract §10). */

const OVERVIEW_FIELDS =
  'teams blockedTeams idlePersonDays idleCost blockedHours interviews trioInterviews ships';
export const OVERVIEW = `query Overview($w: Window!, $p: Window!, $g: ID) {
  current: orgOverview(window: $w, groupId: $g) { ${OVERVIEW_FIELDS} }
  previous: orgOverview(window: $p, groupId: $g) { ${OVERVIEW_FIELDS} }
  dataFreshness { lastEventProjectedAt projectionLagSeconds ageSeconds }
  blockingEdges(window: $w, groupId: $g) { blockingTeamId blockedTeamId blockedHours idlePersonDays }
}`;

export const SETTINGS = `query Settings { settings {
  discoveryTarget oneOnOneIntervalDays idleCostPerPersonDay currency
  teamIdleHours teamStalledDays discoveryLapsedDays oneOnOneOverdueDays managerOverloadedReports
  coachingStallDays
} }`;

/** A 200-team org in one request; the cost limit still holds over a 52-week window. */
/** The first page of teams the heatmaps show; a larger org is narrowed by group (the page says so). */
export const TEAMS_PAGE_SIZE = 250;
export const TEAMS = `query Teams($w: Window!, $g: ID, $first: Int, $after: ID) {
  teams(groupId: $g, first: $first, after: $after) {
    id name headcount blocked registeredAt
    currentBlock { since reason blockedBy blockedHours idlePersonDays idleCost }
    idleness(window: $w) { blockedHours idlePersonDays }
    discovery(window: $w) { interviews adherence }
    weeklyTrend(window: $w) { weekStart idlePersonDays interviews }
    idlenessByReason(window: $w) { key idlePersonDays blockedHours }
  }
}`;

/** The teams blocked now (the blocked-now panel): the first page, and how many there are. */
export const BLOCKED_PAGE_SIZE = 500;
export const BLOCKED = `query Blocked($g: ID, $first: Int) {
  teams(groupId: $g, blocked: true, first: $first) {
    id name currentBlock { since reason blockedBy blockedHours idlePersonDays idleCost }
  }
  blockedCount: teamsConnection(groupId: $g, blocked: true, first: 0) { totalCount }
}`;
export interface BlockedAnswer {
  teams: BlockedRow[];
  blockedCount: { totalCount: number };
}

/**
 * With each manager's coaching (contract §14): plans now, the 1:1s of the page's window. The first page of
 * managers as a list, and how many there are from the connection with no entries (its edges would cost the
 * API two more fields an entry): the page says when it shows only some.
 */
export const MANAGERS_PAGE_SIZE = 500;
export const MANAGERS = `query Managers($w: Window!) {
  managers(first: ${MANAGERS_PAGE_SIZE}) {
    id person { name reports { id name } } directReports oneOnOneCoverage overdueReports
    subtree { people managers oneOnOneCoverage }
    coaching(window: $w) {
      reports planCoverage weakest { person { id name } averageGap } oneOnOnes ratedOneOnOnes ratingShare
    }
  }
  managerCount: managersConnection(first: 0) { totalCount }
}`;
export interface ManagersAnswer {
  managers: ManagerRow[];
  managerCount: { totalCount: number };
}

/** A person's coaching view: their plan now with the latest level of each competency (contract §14). */
export const PERSON = `query Person($id: ID!) {
  person(id: $id) {
    id name role
    coaching { planSetAt averageGap ratedShare lastRatedAt competencies { competency target level ratedAt gap } }
  }
}`;

/** Issue 13's hierarchy; an API without it answers a validation error and the page hides the picker. */
export const GROUPS = `query Groups { groups { id name parent { id } } }`;

const ALERT_FIELDS = 'id rule subjectId subjectName status raisedAt resolvedAt';
/** The latest open alerts, and how many are open. */
export const ALERTS_PAGE_SIZE = 200;
export const ALERTS = `query Alerts {
  alerts(status: OPEN, first: ${ALERTS_PAGE_SIZE}) { ${ALERT_FIELDS} }
  openCount: alertsConnection(status: OPEN, first: 0) { totalCount }
}`;
export interface AlertsAnswer {
  alerts: AlertRow[];
  openCount: { totalCount: number };
}
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
  idleCost: number | null;
  blockedHours: number;
  interviews: number;
  trioInterviews: number;
  ships: number;
}
export interface BlockingEdge {
  blockingTeamId: string;
  blockedTeamId: string;
  blockedHours: number;
  idlePersonDays: number;
}
export interface Settings {
  discoveryTarget: number;
  oneOnOneIntervalDays: number;
  idleCostPerPersonDay: number | null;
  currency: string;
  teamIdleHours: number;
  teamStalledDays: number;
  discoveryLapsedDays: number;
  oneOnOneOverdueDays: number;
  managerOverloadedReports: number;
  coachingStallDays: number;
}
export interface OverviewAnswer {
  current: Overview;
  previous: Overview;
  blockingEdges: BlockingEdge[];
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
export interface BlockedRow {
  id: string;
  name: string | null;
  currentBlock: CurrentBlock | null;
}
export interface TeamRow {
  id: string;
  name: string | null;
  headcount: number;
  blocked: boolean;
  registeredAt: string | null;
  currentBlock: CurrentBlock | null;
  idleness: { blockedHours: number; idlePersonDays: number };
  discovery: { interviews: number; adherence: number };
  weeklyTrend: { weekStart: string; idlePersonDays: number; interviews: number }[];
  idlenessByReason: Breakdown[];
}
export interface ManagerRow {
  id: string;
  person: { name: string | null; reports: { id: string; name: string | null }[] };
  directReports: number;
  oneOnOneCoverage: number | null;
  overdueReports: string[];
  subtree: { people: number; managers: number; oneOnOneCoverage: number | null };
  coaching: ManagerCoaching;
}
export interface ManagerCoaching {
  reports: number;
  planCoverage: number | null;
  weakest: { person: { id: string; name: string | null }; averageGap: number } | null;
  oneOnOnes: number;
  ratedOneOnOnes: number;
  ratingShare: number | null;
}
export interface CompetencyProgress {
  competency: string;
  target: number;
  level: number | null;
  ratedAt: string | null;
  gap: number;
}
export interface PersonDetail {
  id: string;
  name: string | null;
  role: string | null;
  coaching: {
    planSetAt: string;
    averageGap: number;
    ratedShare: number;
    lastRatedAt: string | null;
    competencies: CompetencyProgress[];
  } | null;
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
  subjectName: string | null;
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
