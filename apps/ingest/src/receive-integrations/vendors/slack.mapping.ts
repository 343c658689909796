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
  '`/orgpulse one-on-one <managerId> <reportId>`',
].join('\n');

type Parsed = { type: string; data: Record<string, unknown>; said: string } | { problem: string };

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
    case 'one-on-one':
      if (args.length !== 2) return { problem: 'one-on-one needs a manager and a report' };
      return {
        type: 'one-on-one.held',
        data: { managerId: args[0], reportId: args[1] },
        said: `a 1:1 between ${args[0]} and ${args[1]}`,
      };
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
