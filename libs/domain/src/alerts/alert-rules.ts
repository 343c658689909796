import { type OneOnOne } from '../metrics/one-on-one-cadence';
import { idleness } from '../metrics/idleness';
import { type PersonTimeline, directReportsOf, managerAt } from '../people/person-timeline';
import { type TeamTimeline, blockedIntervalAt, isRegisteredAt } from '../teams/team-timeline';
import { DEFAULT_ORG_SETTINGS, type OrgSettings } from '../settings/org-settings';
import { DAY_MS, HOUR_MS } from '../time/window';

export const alertRules = [
  'TEAM_IDLE',
  'TEAM_STALLED',
  'DISCOVERY_LAPSED',
  'ONE_ON_ONE_OVERDUE',
  'MANAGER_OVERLOADED',
] as const;
export type AlertRule = (typeof alertRules)[number];

/** The rules whose subject is a team (the others are about people). */
export const teamAlertRules = [
  'TEAM_IDLE',
  'TEAM_STALLED',
  'DISCOVERY_LAPSED',
] as const satisfies readonly AlertRule[];

/** Org-configurable thresholds (contract §6): the alert settings of the org settings. */
export type AlertThresholds = Pick<
  OrgSettings,
  | 'teamIdleHours'
  | 'teamStalledDays'
  | 'discoveryLapsedDays'
  | 'oneOnOneOverdueDays'
  | 'managerOverloadedReports'
>;

export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = DEFAULT_ORG_SETTINGS;

/** A rule whose condition holds now for one subject, with the figures that show it. */
export interface AlertCondition {
  rule: AlertRule;
  subjectId: string;
  /** When the condition became true. */
  since: number;
  figures: Record<string, number | string | null>;
}

export interface AlertState {
  teams: readonly TeamTimeline[];
  people: readonly PersonTimeline[];
  oneOnOnes: ReadonlyMap<string, readonly OneOnOne[]>;
}

const latest = (times: readonly number[], until: number): number | null =>
  times.reduce<number | null>((max, t) => (t <= until && (max === null || t > max) ? t : max), null);

/** When the team last became registered (a re-registration after an archive starts afresh). */
function registeredSince(team: TeamTimeline, now: number): number | null {
  let since: number | null = null;
  for (const change of team.lifecycle) {
    if (change.at > now) break;
    if (!change.registered) since = null;
    else since ??= change.at;
  }
  return since;
}

function teamConditions(team: TeamTimeline, t: AlertThresholds, now: number): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const blocked = blockedIntervalAt(team, now);
  if (blocked && now - blocked.start >= t.teamIdleHours * HOUR_MS) {
    const so = idleness(team, { from: blocked.start, to: now }, now);
    conditions.push({
      rule: 'TEAM_IDLE',
      subjectId: team.teamId,
      since: blocked.start + t.teamIdleHours * HOUR_MS,
      figures: {
        blockedSince: new Date(blocked.start).toISOString(),
        blockedHours: so.blockedHours,
        idlePersonDays: so.idlePersonDays,
      },
    });
  }
  const registered = registeredSince(team, now);
  if (registered === null || !isRegisteredAt(team, now)) return conditions;

  const lastInterview = latest(team.interviews, now);
  const quietSince = Math.max(lastInterview ?? registered, registered);
  if (now - quietSince >= t.discoveryLapsedDays * DAY_MS) {
    conditions.push({
      rule: 'DISCOVERY_LAPSED',
      subjectId: team.teamId,
      since: quietSince + t.discoveryLapsedDays * DAY_MS,
      figures: {
        lastInterviewAt: lastInterview === null ? null : new Date(lastInterview).toISOString(),
        quietSince: new Date(quietSince).toISOString(),
        daysWithoutInterview: (now - quietSince) / DAY_MS,
      },
    });
  }
  const lastActivity = Math.max(
    latest(team.ships, now) ?? registered,
    lastInterview ?? registered,
    registered,
  );
  if (!blocked && now - lastActivity >= t.teamStalledDays * DAY_MS) {
    conditions.push({
      rule: 'TEAM_STALLED',
      subjectId: team.teamId,
      since: lastActivity + t.teamStalledDays * DAY_MS,
      figures: {
        lastActivityAt: new Date(lastActivity).toISOString(),
        daysWithoutShipOrInterview: (now - lastActivity) / DAY_MS,
      },
    });
  }
  return conditions;
}

/** When the person's current, unbroken reporting line began. */
function reportingSince(person: PersonTimeline, now: number): number {
  let since = now;
  let manager: string | null = null;
  for (const assignment of person.managers) {
    if (assignment.at > now) break;
    if (assignment.managerId !== manager) {
      manager = assignment.managerId;
      since = assignment.at;
    }
  }
  return since;
}

function peopleConditions(state: AlertState, t: AlertThresholds, now: number): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const person of state.people) {
    const managerId = managerAt(person, now);
    if (managerId === null) continue;
    // Overdue counts from the last 1:1 with this manager, or from when the person started reporting to them.
    const start = reportingSince(person, now);
    const heldAt = latest(
      (state.oneOnOnes.get(managerId) ?? []).filter((o) => o.reportId === person.personId).map((o) => o.at),
      now,
    );
    const since = Math.max(heldAt ?? start, start);
    if (now - since >= t.oneOnOneOverdueDays * DAY_MS) {
      conditions.push({
        rule: 'ONE_ON_ONE_OVERDUE',
        subjectId: person.personId,
        since: since + t.oneOnOneOverdueDays * DAY_MS,
        figures: {
          managerId,
          lastOneOnOneAt: heldAt === null ? null : new Date(heldAt).toISOString(),
          quietSince: new Date(since).toISOString(),
          daysWithoutOneOnOne: (now - since) / DAY_MS,
        },
      });
    }
  }
  const managers = new Set(state.people.map((p) => managerAt(p, now)).filter((m): m is string => m !== null));
  for (const managerId of managers) {
    const reports = directReportsOf(managerId, state.people, now).length;
    if (reports > t.managerOverloadedReports) {
      conditions.push({
        rule: 'MANAGER_OVERLOADED',
        subjectId: managerId,
        since: now,
        figures: { directReports: reports, limit: t.managerOverloadedReports },
      });
    }
  }
  return conditions;
}

/** Every alert condition that holds at `now` (contract §6): pure, so time can pass with no new event. */
export function decideAlerts(state: AlertState, thresholds: AlertThresholds, now: number): AlertCondition[] {
  return [
    ...state.teams.flatMap((team) => teamConditions(team, thresholds, now)),
    ...peopleConditions(state, thresholds, now),
  ];
}
