/**
 * A small org of six teams in two groups under one over the last 14 weeks, relative to now: interviews, ships,
 * past and current blocks (some by other teams), a headcount change, two managers with 1:1s. The
 * leadership page's browser test seeds it; the README's screenshot shows it.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface ScenarioEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export const SCENARIO_TEAMS = [
  { teamId: 'core', name: 'Core', headcount: 8, groupId: 'platform' },
  { teamId: 'infra', name: 'Infra', headcount: 5, groupId: 'platform' },
  { teamId: 'data', name: 'Data', headcount: 6, groupId: 'platform' },
  { teamId: 'web', name: 'Web', headcount: 7, groupId: 'product' },
  { teamId: 'mobile', name: 'Mobile', headcount: 4, groupId: 'product' },
  { teamId: 'growth', name: 'Growth', headcount: 5, groupId: 'product' },
];

/** A team registered 17 days ago, with no interview yet: its weeks before that are no misses. */
export const LATE_TEAM = { teamId: 'labs', name: 'Labs', headcount: 3, groupId: 'product' };
export const LATE_TEAM_REGISTERED_DAYS_AGO = 17;

/** People by name (contract §13): the page shows names, not ids. */
export const SCENARIO_PEOPLE: Record<string, string> = {
  ann: 'Ann Lee',
  bob: 'Bob Stone',
  cy: 'Cy Young',
  dan: 'Dan Ortiz',
  eve: 'Eve Adams',
  mia: 'Mia Wong',
  leo: 'Leo Park',
};

export function leadershipScenario(now: number): ScenarioEvent[] {
  const at = (ms: number) => new Date(ms).toISOString();
  const start = now - 98 * DAY;
  const events: ScenarioEvent[] = [];
  const ev = (id: string, type: string, ms: number, data: Record<string, unknown>) =>
    events.push({ id, type, occurredAt: at(ms), data });
  ev('grp-eng', 'group.registered', start, { groupId: 'eng', name: 'Engineering', parentId: null });
  ev('grp-platform', 'group.registered', start, { groupId: 'platform', name: 'Platform', parentId: 'eng' });
  ev('grp-product', 'group.registered', start, { groupId: 'product', name: 'Product', parentId: 'eng' });
  for (const t of SCENARIO_TEAMS) ev(`reg-${t.teamId}`, 'team.registered', start, t);
  ev(`reg-${LATE_TEAM.teamId}`, 'team.registered', now - LATE_TEAM_REGISTERED_DAYS_AGO * DAY, LATE_TEAM);
  SCENARIO_TEAMS.forEach((t, i) => {
    for (let week = 0; week < 14; week++) {
      const interviews = t.groupId === 'product' ? (i + week) % 3 : (i + week) % 2;
      for (let n = 0; n < interviews; n++)
        ev(
          `int-${t.teamId}-${week}-${n}`,
          'discovery.interview-held',
          start + week * 7 * DAY + (1 + n) * DAY,
          {
            teamId: t.teamId,
            participantRoles: n === 0 ? ['pm', 'designer', 'engineer'] : ['pm'],
          },
        );
      if ((week + i) % 2 === 0)
        ev(`ship-${t.teamId}-${week}`, 'delivery.shipped', start + week * 7 * DAY + 4 * DAY, {
          teamId: t.teamId,
        });
    }
  });
  const block = (
    teamId: string,
    fromDay: number,
    days: number | null,
    reason: string,
    blockedBy?: string,
  ) => {
    ev(`blk-${teamId}-${fromDay}`, 'team.blocked', start + fromDay * DAY, {
      teamId,
      reason,
      ...(blockedBy ? { blockedBy } : {}),
    });
    if (days !== null)
      ev(`unb-${teamId}-${fromDay}`, 'team.unblocked', start + (fromDay + days) * DAY, { teamId });
  };
  block('core', 14, 6, 'dependency', 'infra');
  block('web', 35, 4, 'unclear-priorities');
  block('mobile', 49, 3, 'dependency', 'core');
  block('web', 63, 5, 'dependency', 'infra');
  block('infra', 70, 2, 'environment');
  block('core', 77, 4, 'decision-pending');
  ev('hc-core', 'team.registered', start + 42 * DAY, {
    teamId: 'core',
    name: 'Core',
    headcount: 9,
    groupId: 'platform',
  });
  // blocked now: Growth for six days on a decision, Data for 50 hours by Infra
  ev('blk-growth-now', 'team.blocked', now - 6 * DAY, { teamId: 'growth', reason: 'decision-pending' });
  ev('blk-data-now', 'team.blocked', now - 50 * HOUR, {
    teamId: 'data',
    reason: 'dependency',
    blockedBy: 'infra',
  });
  for (const [personId, managerId] of [
    ['ann', 'mia'],
    ['bob', 'mia'],
    ['cy', 'mia'],
    ['dan', 'leo'],
    ['eve', 'leo'],
  ])
    ev(`person-${personId}`, 'person.registered', start, {
      personId,
      name: SCENARIO_PEOPLE[personId],
      role: 'engineer',
      managerId,
    });
  for (const managerId of ['mia', 'leo'])
    ev(`person-${managerId}`, 'person.registered', start, {
      personId: managerId,
      name: SCENARIO_PEOPLE[managerId],
      role: 'engineering-manager',
    });
  ev('1on1-ann', 'one-on-one.held', now - 3 * DAY, { managerId: 'mia', reportId: 'ann' });
  ev('1on1-bob', 'one-on-one.held', now - 20 * DAY, { managerId: 'mia', reportId: 'bob' });
  ev('1on1-dan', 'one-on-one.held', now - 2 * DAY, { managerId: 'leo', reportId: 'dan' });
  return events;
}
