import type { IntegrationRow } from '@orgpulse/persistence';
import {
  DEFAULT_BLOCKED_LABEL,
  type Mapping,
  type VendorDelivery,
  at,
  header,
  ignored,
  teamOf,
  text,
  timestampOf,
  vendorEventId,
} from './vendor-mapping';

const DEFAULT_BLOCKED_STATES = ['Blocked'];

/**
 * Linear (contract §9): an Issue update whose state changed, on an issue labelled options.blockedLabel,
 * blocks the team of its Linear team when the new state is one of options.blockedStates, and unblocks
 * it otherwise. Linear sends only the previous state's id (updatedFrom.stateId), so any move of such an
 * issue into a state not named there counts as out of it (an unblock of a team not blocked changes nothing).
 */
export function mapLinear(
  integration: IntegrationRow,
  { headers, payload, receivedAt }: VendorDelivery,
): Mapping {
  const deliveryId = header(headers, 'linear-delivery');
  const skip = (reason: string) => ignored(reason, deliveryId);
  const type = text(at(payload, 'type')) ?? '(none)';
  const action = text(at(payload, 'action')) ?? '(none)';
  if (type !== 'Issue' || action !== 'update') return skip(`${type} ${action} is not mapped`);

  const issue = at(payload, 'data');
  const teamId = teamOf(integration, text(at(issue, 'team', 'key')));
  if (teamId === undefined) return skip('unmapped');
  const rawLabels = at(issue, 'labels');
  const labels = (Array.isArray(rawLabels) ? rawLabels : []).map((l) => text(at(l, 'name')));
  const blockedLabel = integration.options.blockedLabel ?? DEFAULT_BLOCKED_LABEL;
  if (!labels.includes(blockedLabel)) return skip(`the issue is not labelled ${blockedLabel}`);
  if (at(payload, 'updatedFrom', 'stateId') === undefined) return skip('the state did not change');

  const state = text(at(issue, 'state', 'name')) ?? '(none)';
  const blocked = (integration.options.blockedStates ?? DEFAULT_BLOCKED_STATES).includes(state);
  const issueId = text(at(issue, 'id')) ?? '(unknown)';
  const identifier = text(at(issue, 'identifier')) ?? issueId;
  const occurredAt =
    timestampOf(at(issue, 'updatedAt')) ?? timestampOf(at(payload, 'createdAt')) ?? receivedAt.toISOString();
  const base = { id: vendorEventId('linear', issueId, 'state', occurredAt), occurredAt, source: 'linear' };
  return blocked
    ? {
        vendorDeliveryId: deliveryId,
        said: `${teamId} blocked: ${identifier} moved to ${state}`,
        events: [{ ...base, type: 'team.blocked', data: { teamId, reason: 'other', note: identifier } }],
      }
    : {
        vendorDeliveryId: deliveryId,
        said: `${teamId} unblocked: ${identifier} moved to ${state}`,
        events: [{ ...base, type: 'team.unblocked', data: { teamId, note: identifier } }],
      };
}
