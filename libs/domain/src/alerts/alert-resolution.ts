import {
  type AlertCondition,
  type AlertFacts,
  type AlertThresholds,
  decide,
  lastPlanRatingAt,
} from './alert-rules';

/** An open alert as stored: what it was raised about, with the figures of that moment. */
export interface OpenAlert {
  id: string;
  rule: string;
  subjectId: string;
  figures: Readonly<Record<string, unknown>>;
}

/**
 * What to do about one rule and subject at `now`: resolve the open alert, raise a new one (both when an
 * alert ends and the condition holds again), and when to judge again if nothing happens.
 */
export interface AlertChange {
  resolve: OpenAlert | null;
  raise: AlertCondition | null;
  dueAt: number | null;
}

function timeOf(figures: OpenAlert['figures'], name: string): number | undefined {
  const value = figures[name];
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

const after = (t: number | null, since: number): boolean => t !== null && t > since;

/**
 * Whether what contract §6 names under "resolved when" has happened since the alert's condition began;
 * undefined when the alert lacks the figures to tell (stored by an older version) or the subject has no head.
 * Heads keep the latest time of each thing, so "since" is a comparison: an event posted late and dated
 * inside the quiet spell counts, one dated before it does not.
 */
function resolvedPerContract(alert: OpenAlert, facts: AlertFacts): boolean | undefined {
  switch (facts.rule) {
    case 'TEAM_IDLE': {
      const blockedSince = timeOf(alert.figures, 'blockedSince');
      if (!facts.team || blockedSince === undefined) return undefined;
      const block = facts.team.block;
      return !block || block.since > blockedSince; // an unblock came after the block it is about
    }
    case 'TEAM_STALLED': {
      const lastActivity = timeOf(alert.figures, 'lastActivityAt');
      if (!facts.team || lastActivity === undefined) return undefined;
      return after(facts.team.lastShipAt, lastActivity) || after(facts.team.lastInterviewAt, lastActivity);
    }
    case 'DISCOVERY_LAPSED': {
      const quietSince = timeOf(alert.figures, 'quietSince');
      if (!facts.team || quietSince === undefined) return undefined;
      return after(facts.team.lastInterviewAt, quietSince);
    }
    case 'ONE_ON_ONE_OVERDUE': {
      const quietSince = timeOf(alert.figures, 'quietSince');
      const managerId = alert.figures.managerId;
      if (!facts.person || quietSince === undefined || typeof managerId !== 'string') return undefined;
      if (facts.person.managerId !== managerId) return true; // no longer a pair that owes a 1:1
      const held =
        facts.manager?.managerId === managerId ? facts.manager.lastOneOnOneWith[alert.subjectId] : null;
      return after(held ?? null, quietSince);
    }
    case 'COACHING_STALLED': {
      if (facts.plan === null) return true; // the plan is gone
      const quietSince = timeOf(alert.figures, 'quietSince');
      if (quietSince === undefined) return undefined;
      return after(lastPlanRatingAt(facts.plan, facts.ratedAt), quietSince);
    }
    case 'MANAGER_OVERLOADED':
      return undefined; // resolves when its condition ends: "the count drops to the limit"
  }
}

/**
 * The change for one rule and subject at `now`, given its open alert if any. An open alert resolves
 * only on what its "resolved when" names; a condition that merely stops holding (a stalled team gets
 * blocked, an org raises a threshold) resolves nothing, so no alert closes and re-opens with a new id
 * while nothing named in the contract happened. A condition that holds with no alert open is raised.
 */
export function planAlertChange(
  open: OpenAlert | null,
  facts: AlertFacts,
  thresholds: AlertThresholds,
  now: number,
): AlertChange {
  const decision = decide(facts, thresholds, now);
  const resolve =
    open !== null && (resolvedPerContract(open, facts) ?? decision.holds === null) ? open : null;
  const stillOpen = open !== null && resolve === null;
  const raise = stillOpen ? null : decision.holds;
  // while an alert is open only an event can change anything: no due time
  return { resolve, raise, dueAt: stillOpen || raise ? null : decision.dueAt };
}
