import type { AcceptedEvent } from '@orgpulse/contracts';
import { type BlockReason, isTrioInterview } from './team-timeline';

/** The block a team is in now: since when, and its reason (and blocking team) from `reasonSince` on. */
export interface CurrentBlock {
  since: number;
  reason: BlockReason;
  blockedBy: string | null;
  reasonSince: number;
}

/**
 * A team as of its latest event, in a fixed size whatever its history: what the alert rules, the lists
 * and "now" fields read. It is also the state a stretch of the team's history starts from.
 */
export interface TeamHead {
  teamId: string;
  name: string | null;
  groupId: string | null;
  registered: boolean;
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
  registeredSince: null,
  headcount: 0,
  block: null,
  lastInterviewAt: null,
  lastTrioInterviewAt: null,
  lastShipAt: null,
});

const later = (a: number | null, b: number): number => (a === null || b > a ? b : a);

/** Folds one event (in occurrence order, ties by arrival) into the head; other events leave it as it is. */
export function evolveTeamHead(head: TeamHead, event: AcceptedEvent): TeamHead {
  const at = Date.parse(event.occurredAt);
  switch (event.type) {
    case 'team.registered':
      return {
        ...head,
        name: event.data.name,
        groupId: event.data.groupId ?? null,
        registered: true,
        registeredSince: head.registered ? head.registeredSince : at,
        headcount: event.data.headcount,
      };
    case 'team.archived':
      return { ...head, registered: false, registeredSince: null };
    case 'team.blocked': {
      const reason = { reason: event.data.reason, blockedBy: event.data.blockedBy ?? null, reasonSince: at };
      // Blocked again while blocked: no new interval, the reason applies from now on (contract §4).
      return { ...head, block: head.block ? { ...head.block, ...reason } : { since: at, ...reason } };
    }
    case 'team.unblocked':
      return head.block ? { ...head, block: null } : head;
    case 'discovery.interview-held':
      return {
        ...head,
        lastInterviewAt: later(head.lastInterviewAt, at),
        lastTrioInterviewAt: isTrioInterview(event.data.participantRoles)
          ? later(head.lastTrioInterviewAt, at)
          : head.lastTrioInterviewAt,
      };
    case 'delivery.shipped':
      return { ...head, lastShipAt: later(head.lastShipAt, at) };
    default:
      return head;
  }
}
