import { blockReasons, personRoles } from '@orgpulse/contracts';
import type { IntegrationRow } from '@orgpulse/persistence';
import {
  type MappedEvent,
  type Mapping,
  type VendorDelivery,
  at,
  header,
  teamOf,
  text,
  vendorEventId,
} from './vendor-mapping';

export const SLACK_USAGE = [
  'Usage:',
  '`/orgpulse blocked <teamId> <reason> [by <teamId>]`  reason: ' + blockReasons.join(', '),
  '`/orgpulse unblocked <teamId>`',
  '`/orgpulse interview <teamId> [roles…]`  roles: ' + personRoles.join(', '),
  '`/orgpulse one-on-one <managerId> <reportId> [competency=level …]`  level: 1 to 5',
].join('\n');

type Parsed = { type: string; data: Record<string, unknown>; said: string } | { problem: string };

/** `competency=level` (contract §14): a competency of 1..64 characters, a level 1..5. */
function ratingOf(word: string): { competency: string; level: number } | undefined {
  const at = word.lastIndexOf('=');
  const [competency, level] = [word.slice(0, at), word.slice(at + 1)];
  if (at < 1 || competency.length > 64 || !/^[1-5]$/.test(level)) return undefined;
  return { competency, level: Number(level) };
}

/** The command's words (contract §9 grammar), or what is wrong with them. */
export function parseSlackCommand(words: readonly string[]): Parsed {
  const [verb, ...args] = words;
  switch (verb) {
    case 'blocked': {
      const [teamId, reason, by, blockedBy, ...rest] = args;
      if (teamId === undefined || reason === undefined)
        return { problem: 'blocked needs a team and a reason' };
      if (!(blockReasons as readonly string[]).includes(reason))
        return { problem: `${reason} is not a reason; use one of ${blockReasons.join(', ')}` };
      if (by !== undefined && (by !== 'by' || blockedBy === undefined || rest.length > 0))
        return { problem: 'after the reason, only `by <teamId>` may follow' };
      return {
        type: 'team.blocked',
        data: { teamId, reason, ...(blockedBy ? { blockedBy } : {}) },
        said: `${teamId} is blocked (${reason}${blockedBy ? `, by ${blockedBy}` : ''})`,
      };
    }
    case 'unblocked':
      if (args.length !== 1) return { problem: 'unblocked needs exactly one team' };
      return { type: 'team.unblocked', data: { teamId: args[0] }, said: `${args[0]} is unblocked` };
    case 'interview': {
      const [teamId, ...roles] = args;
      if (teamId === undefined) return { problem: 'interview needs a team' };
      const unknown = roles.find((r) => !(personRoles as readonly string[]).includes(r));
      if (unknown !== undefined)
        return { problem: `${unknown} is not a role; use ${personRoles.join(', ')}` };
      return {
        type: 'discovery.interview-held',
        data: { teamId, ...(roles.length > 0 ? { participantRoles: roles } : {}) },
        said: `an interview by ${teamId}${roles.length > 0 ? ` with ${roles.join(', ')}` : ''}`,
      };
    }
    case 'one-on-one': {
      const [managerId, reportId, ...levels] = args;
      if (managerId === undefined || reportId === undefined)
        return { problem: 'one-on-one needs a manager and a report' };
      const ratings = levels.map(ratingOf);
      const bad = ratings.findIndex((r) => r === undefined);
      if (bad >= 0)
        return { problem: `${levels[bad]} is not a rating; write competency=level, the level 1 to 5` };
      if (ratings.length > 20) return { problem: 'at most 20 ratings in one 1:1' };
      return {
        type: 'one-on-one.held',
        data: { managerId, reportId, ...(ratings.length > 0 ? { ratings } : {}) },
        said: `a 1:1 between ${managerId} and ${reportId}${ratings.length > 0 ? ` (${levels.join(', ')})` : ''}`,
      };
    }
    default:
      return { problem: verb === undefined ? 'no command given' : `unknown command ${verb}` };
  }
}

/**
 * Slack slash commands (contract §9): the command names its team; teamMappings, when given, are the
 * channels commands are taken from. The event id derives from the command's trigger_id.
 */
export function mapSlack(
  integration: IntegrationRow,
  { headers, payload, receivedAt }: VendorDelivery,
): Mapping {
  const trigger = text(at(payload, 'trigger_id'));
  const channel = text(at(payload, 'channel_id'));
  if (integration.teamMappings.length > 0 && teamOf(integration, channel) === undefined)
    return {
      ignored: 'unmapped',
      vendorDeliveryId: trigger,
      help: 'This channel is not connected to orgpulse.',
    };
  const words = (text(at(payload, 'text')) ?? '').trim().split(/\s+/).filter(Boolean);
  const parsed = parseSlackCommand(words);
  if ('problem' in parsed)
    return {
      ignored: `malformed command: ${parsed.problem}`,
      vendorDeliveryId: trigger,
      help: `${parsed.problem}.\n${SLACK_USAGE}`,
    };
  if (trigger === undefined)
    return {
      ignored: 'malformed command: no trigger_id',
      help: 'Slack sent no trigger_id; nothing was recorded.',
    };
  const timestamp = Number(header(headers, 'x-slack-request-timestamp'));
  const occurredAt = Number.isFinite(timestamp)
    ? new Date(timestamp * 1000).toISOString()
    : receivedAt.toISOString();
  const event: MappedEvent = {
    id: vendorEventId('slack', trigger),
    type: parsed.type,
    occurredAt,
    source: 'slack',
    data: parsed.data,
  };
  return { vendorDeliveryId: trigger, said: `Recorded: ${parsed.said}.`, events: [event] };
}
