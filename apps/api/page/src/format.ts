export const num = (v: number, digits = 1): string =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
export const pct = (v: number | null): string => (v === null ? '–' : `${Math.round(v * 100)}%`);
export const when = (iso: string | null): string => (iso === null ? '–' : iso.slice(0, 16).replace('T', ' '));
export const days = (fromIso: string, now = Date.now()): number => (now - Date.parse(fromIso)) / 86_400_000;
/** The block reasons leaders own: priorities and decisions are theirs to settle. */
export const LEADER_OWNED = new Set(['unclear-priorities', 'decision-pending']);
export const teamName = (names: Map<string, string | null>, id: string | null): string =>
  id === null ? '–' : (names.get(id) ?? null) || id;

/** An alert rule (contract §6) said as a leader would say it, with the org's thresholds. */
export function ruleInWords(
  rule: string,
  subject: string,
  t: {
    teamIdleHours: number;
    teamStalledDays: number;
    discoveryLapsedDays: number;
    oneOnOneOverdueDays: number;
    managerOverloadedReports: number;
    coachingStallDays: number;
  },
): string {
  switch (rule) {
    case 'TEAM_IDLE':
      return `${subject} has been blocked for ${t.teamIdleHours} hours or more`;
    case 'TEAM_STALLED':
      return `${subject} has had no ship and no customer interview for ${t.teamStalledDays} days`;
    case 'DISCOVERY_LAPSED':
      return `${subject} has held no customer interview for ${t.discoveryLapsedDays} days`;
    case 'ONE_ON_ONE_OVERDUE':
      return `${subject} has had no 1:1 with their manager for ${t.oneOnOneOverdueDays} days`;
    case 'MANAGER_OVERLOADED':
      return `${subject} has more than ${t.managerOverloadedReports} direct reports`;
    case 'COACHING_STALLED':
      return `${subject} has had no rating of a plan competency for ${t.coachingStallDays} days`;
    default:
      return `${subject}: ${rule.toLowerCase().replace(/_/g, ' ')}`;
  }
}
