import type { Fact } from '../projections/read-model';
import type { BlockReason, TeamFact } from './team-facts';

/** The block a team is in: since when, and its reason (and blocking team) from `reasonSince` on. */
export interface CurrentBlock {
  since: number;
  reason: BlockReason;
  blockedBy: string | null;
  reasonSince: number;
}

/**
 * A team as of its latest event, in a fixed size whatever its history: what the alert rules, the lists
 * and "now" fields read. It is also the state each week of the team's history starts from.
 */
export interface TeamHead {
  teamId: string;
  name: string | null;
  groupId: string | null;
  registered: boolean;
  /** Its earliest team.registered: weeks before it the team did not exist. */
  firstRegisteredAt: number | null;
  /** When it last became registered (a re-registration after an archive starts afresh); null while not registered. */
  registeredSince: number | null;
  headcount: number;
  block: CurrentBlock | null;
  lastInterviewAt: number | null;
  lastTrioInterviewAt: number | null;
  lastShipAt: number | null;
}

export const emptyTeamHead = (teamId: string): TeamHead => ({
  teamId,
  name: null,
  groupId: null,
  registered: false,
  firstRegisteredAt: null,
  registeredSince: null,
  headcount: 0,
  block: null,
  lastInterviewAt: null,
  lastTrioInterviewAt: null,
  lastShipAt: null,
});

const later = (a: number | null, b: number): number => (a === null || b > a ? b : a);

/** Folds one fact (in occurrence order, ties by arrival) into the head. */
export function evolveTeamHead(head: TeamHead, { at, data }: Fact<TeamFact>): TeamHead {
  switch (data.kind) {
    case 'registered':
      return {
        ...head,
        name: data.name,
        groupId: data.groupId,
        registered: true,
        firstRegisteredAt: head.firstRegisteredAt ?? at,
        registeredSince: head.registered ? head.registeredSince : at,
        headcount: data.headcount,
      };
    case 'archived':
      return { ...head, registered: false, registeredSince: null };
    case 'blocked': {
      const reason = { reason: data.reason, blockedBy: data.blockedBy, reasonSince: at };
      // Blocked again while blocked: no new interval, the reason applies from now on (contract §4).
      return { ...head, block: head.block ? { ...head.block, ...reason } : { since: at, ...reason } };
    }
    case 'unblocked':
      return head.block ? { ...head, block: null } : head;
    case 'interview':
      return {
        ...head,
        lastInterviewAt: later(head.lastInterviewAt, at),
        lastTrioInterviewAt: data.trio ? later(head.lastTrioInterviewAt, at) : head.lastTrioInterviewAt,
      };
    case 'shipped':
      return { ...head, lastShipAt: later(head.lastShipAt, at) };
  }
}
