import type { AcceptedEvent, EventData } from '@orgpulse/contracts';
import type { Fact } from '../projections/read-model';

export type BlockReason = EventData<'team.blocked'>['reason'];

/** What the team metrics keep of a team's events (contract §3-4, §8). */
export type TeamFact =
  | { kind: 'registered'; name: string; headcount: number; groupId: string | null }
  | { kind: 'archived' }
  | { kind: 'blocked'; reason: BlockReason; blockedBy: string | null }
  | { kind: 'unblocked' }
  | { kind: 'interview'; trio: boolean }
  | { kind: 'shipped' };

const TRIO = ['pm', 'designer', 'engineer'] as const;

/** §8: an interview the product trio held together: pm, designer and engineer among the participants. */
export const isTrioInterview = (roles: readonly string[] | undefined): boolean =>
  roles !== undefined && TRIO.every((role) => roles.includes(role));

export function teamFactOf(event: AcceptedEvent): TeamFact | undefined {
  switch (event.type) {
    case 'team.registered':
      return {
        kind: 'registered',
        name: event.data.name,
        headcount: event.data.headcount,
        groupId: event.data.groupId ?? null,
      };
    case 'team.archived':
      return { kind: 'archived' };
    case 'team.blocked':
      return { kind: 'blocked', reason: event.data.reason, blockedBy: event.data.blockedBy ?? null };
    case 'team.unblocked':
      return { kind: 'unblocked' };
    case 'discovery.interview-held':
      return { kind: 'interview', trio: isTrioInterview(event.data.participantRoles) };
    case 'delivery.shipped':
      return { kind: 'shipped' };
    default:
      return undefined;
  }
}

/** Facts of events in the order given, positions by that order: for folds of plain event lists. */
export const teamFactsOf = (events: Iterable<AcceptedEvent>): Fact<TeamFact>[] =>
  [...events].flatMap((event, position) => {
    const data = teamFactOf(event);
    return data === undefined ? [] : [{ at: Date.parse(event.occurredAt), position, data }];
  });
