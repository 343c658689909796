import { managerAt } from '../people/person-timeline';
import { blockedIntervalAt } from '../teams/team-timeline';
import { type AlertCondition, type AlertState, type AlertThresholds, decideAlerts } from './alert-rules';

/** An open alert as stored: what it was raised about, with the figures of that moment. */
export interface OpenAlert {
  id: string;
  rule: string;
  subjectId: string;
  figures: Readonly<Record<string, unknown>>;
}

export interface AlertChanges {
  resolve: OpenAlert[];
  raise: AlertCondition[];
}

const key = (rule: string, subjectId: string) => `${rule}\u0000${subjectId}`;

function timeOf(figures: OpenAlert['figures'], name: string): number | undefined {
  const value = figures[name];
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

const happenedBetween = (times: readonly number[], after: number, until: number): boolean =>
  times.some((t) => t > after && t <= until);

/**
 * Whether what contract §6 names under "resolved when" has happened since the alert's condition
 * began; undefined when the alert lacks the figures to tell (stored by an older version).
 */
function resolvedPerContract(alert: OpenAlert, state: AlertState, now: number): boolean | undefined {
  const team = state.teams.find((t) => t.teamId === alert.subjectId);
  switch (alert.rule) {
    case 'TEAM_IDLE': {
      const blockedSince = timeOf(alert.figures, 'blockedSince');
      if (!team || blockedSince === undefined) return undefined;
      const blocked = blockedIntervalAt(team, now);
      return !blocked || blocked.start > blockedSince; // an unblock came after the block it is about
    }
    case 'TEAM_STALLED': {
      const lastActivity = timeOf(alert.figures, 'lastActivityAt');
      if (!team || lastActivity === undefined) return undefined;
      return happenedBetween([...team.ships, ...team.interviews], lastActivity, now);
    }
    case 'DISCOVERY_LAPSED': {
      const quietSince = timeOf(alert.figures, 'quietSince');
      if (!team || quietSince === undefined) return undefined;
      return happenedBetween(team.interviews, quietSince, now);
    }
    case 'ONE_ON_ONE_OVERDUE': {
      const person = state.people.find((p) => p.personId === alert.subjectId);
      const quietSince = timeOf(alert.figures, 'quietSince');
      const managerId = alert.figures.managerId;
      if (!person || quietSince === undefined || typeof managerId !== 'string') return undefined;
      if (managerAt(person, now) !== managerId) return true; // no longer a pair that owes a 1:1
      const held = (state.oneOnOnes.get(managerId) ?? []).filter((o) => o.reportId === alert.subjectId);
      return happenedBetween(
        held.map((o) => o.at),
        quietSince,
        now,
      );
    }
    default:
      return undefined; // MANAGER_OVERLOADED resolves when its condition ends: "the count drops to the limit"
  }
}

/**
 * What to change at `now`: open alerts whose "resolved when" happened, and conditions that hold
 * with no alert open for them. A condition that merely stops holding (a stalled team gets blocked,
 * an org raises a threshold) resolves nothing, so no alert closes and re-opens with a new id
 * while nothing named in the contract happened.
 */
export function planAlertChanges(
  open: readonly OpenAlert[],
  state: AlertState,
  thresholds: AlertThresholds,
  now: number,
): AlertChanges {
  const conditions = decideAlerts(state, thresholds, now);
  const holding = new Set(conditions.map((c) => key(c.rule, c.subjectId)));
  const resolve = open.filter(
    (alert) => resolvedPerContract(alert, state, now) ?? !holding.has(key(alert.rule, alert.subjectId)),
  );
  const stillOpen = new Set(open.filter((a) => !resolve.includes(a)).map((a) => key(a.rule, a.subjectId)));
  return { resolve, raise: conditions.filter((c) => !stillOpen.has(key(c.rule, c.subjectId))) };
}
