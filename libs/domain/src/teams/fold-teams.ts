import type { AcceptedEvent } from '@orgpulse/contracts';
import { type TeamState, evolveTeam, initialTeamState } from './team-state';

export const TEAM_SUBJECT_PREFIX = 'team:';

export const teamIdOfSubject = (subject: string): string | undefined =>
  subject.startsWith(TEAM_SUBJECT_PREFIX) ? subject.slice(TEAM_SUBJECT_PREFIX.length) : undefined;

/**
 * Folds each team from its full, occurrence-ordered history. Re-folding (not patching) is what
 * makes a late event leave the read model exactly as if it had arrived in order.
 */
export function foldTeams(history: Iterable<{ subject: string; event: AcceptedEvent }>): TeamState[] {
  const teams = new Map<string, TeamState>();
  for (const { subject, event } of history) {
    const teamId = teamIdOfSubject(subject);
    if (teamId === undefined) continue;
    teams.set(teamId, evolveTeam(teams.get(teamId) ?? initialTeamState(teamId), event));
  }
  return [...teams.values()];
}
