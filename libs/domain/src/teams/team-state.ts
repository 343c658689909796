import type { AcceptedEvent, EventType } from '@orgpulse/contracts';

export interface TeamState {
  teamId: string;
  name: string | null;
  headcount: number;
  groupId: string | null;
  registered: boolean;
  archived: boolean;
  blocked: boolean;
  blockedSince: string | null;
  blockReason: string | null;
}

export const TEAM_EVENT_TYPES: readonly EventType[] = [
  'team.registered',
  'team.archived',
  'team.blocked',
  'team.unblocked',
  'discovery.interview-held',
  'delivery.shipped',
];

export const initialTeamState = (teamId: string): TeamState => ({
  teamId,
  name: null,
  headcount: 0,
  groupId: null,
  registered: false,
  archived: false,
  blocked: false,
  blockedSince: null,
  blockReason: null,
});

/** Folds one event into a team's current state (contract §4); events must arrive in occurrence order. */
export function evolveTeam(state: TeamState, event: AcceptedEvent): TeamState {
  switch (event.type) {
    case 'team.registered':
      return {
        ...state,
        name: event.data.name,
        headcount: event.data.headcount,
        groupId: event.data.groupId ?? null,
        registered: true,
        archived: false,
      };
    case 'team.archived':
      return { ...state, archived: true };
    case 'team.blocked':
      // Already blocked: no new interval, but the reason applies from now on.
      return state.blocked
        ? { ...state, blockReason: event.data.reason }
        : { ...state, blocked: true, blockedSince: event.occurredAt, blockReason: event.data.reason };
    case 'team.unblocked':
      return state.blocked ? { ...state, blocked: false, blockedSince: null, blockReason: null } : state;
    default:
      return state;
  }
}
