import { blockReasons } from '@orgpulse/contracts';
import type { IntegrationRow } from '@orgpulse/persistence';
import {
  DEFAULT_BLOCKED_LABEL,
  type Mapping,
  type VendorDelivery,
  at,
  header,
  idText,
  ignored,
  teamOf,
  text,
  timestampOf,
  vendorEventId,
} from './vendor-mapping';

interface ChangeItem {
  field?: unknown;
  to?: unknown;
  toString?: unknown;
}

const labelValue = (labels: readonly string[], prefix: string) =>
  labels.find((l) => l.startsWith(prefix))?.slice(prefix.length) || undefined;

/**
 * Jira (contract §9): on an issue labelled options.blockedLabel, the Flagged field set to Impediment
 * blocks the team of its project; the flag cleared, or the issue resolved, unblocks it.
 */
export function mapJira(
  integration: IntegrationRow,
  { headers, payload, receivedAt }: VendorDelivery,
): Mapping {
  const deliveryId = header(headers, 'x-atlassian-webhook-identifier');
  const skip = (reason: string) => ignored(reason, deliveryId);
  const webhookEvent = text(at(payload, 'webhookEvent')) ?? '(none)';
  if (webhookEvent !== 'jira:issue_updated') return skip(`event ${webhookEvent} is not mapped`);

  const issue = at(payload, 'issue');
  const teamId = teamOf(integration, text(at(issue, 'fields', 'project', 'key')));
  if (teamId === undefined) return skip('unmapped');
  const rawLabels = at(issue, 'fields', 'labels');
  const labels = Array.isArray(rawLabels) ? rawLabels.filter((l): l is string => typeof l === 'string') : [];
  const blockedLabel = integration.options.blockedLabel ?? DEFAULT_BLOCKED_LABEL;
  if (!labels.includes(blockedLabel)) return skip(`the issue is not labelled ${blockedLabel}`);

  const rawItems = at(payload, 'changelog', 'items');
  const items = (Array.isArray(rawItems) ? rawItems : []) as ChangeItem[];
  const flag = items.find((i) => i.field === 'Flagged');
  const flagged =
    flag !== undefined && typeof flag.toString === 'string' && flag.toString.includes('Impediment');
  const flagCleared = flag !== undefined && !flagged;
  const resolved = items.some(
    (i) => i.field === 'resolution' && (text(i.to) ?? text(i.toString)) !== undefined,
  );
  if (!flagged && !flagCleared && !resolved) return skip('neither the flag nor the resolution changed');

  const issueKey = text(at(issue, 'key')) ?? idText(at(issue, 'id')) ?? '(unknown)';
  const changeId = idText(at(payload, 'changelog', 'id')) ?? idText(at(payload, 'timestamp')) ?? '0';
  const occurredAt = timestampOf(at(payload, 'timestamp')) ?? receivedAt.toISOString();
  const base = { occurredAt, source: 'jira', id: vendorEventId('jira', issueKey, changeId) };
  if (flagged) {
    const reason = labelValue(labels, 'reason:');
    const blockedBy = labelValue(labels, 'blocked-by:');
    const data = {
      teamId,
      reason: reason !== undefined && (blockReasons as readonly string[]).includes(reason) ? reason : 'other',
      ...(blockedBy ? { blockedBy } : {}),
      note: issueKey,
    };
    return {
      vendorDeliveryId: deliveryId,
      said: `${teamId} blocked (${data.reason}) by ${issueKey}`,
      events: [{ ...base, type: 'team.blocked', data }],
    };
  }
  return {
    vendorDeliveryId: deliveryId,
    said: `${teamId} unblocked: ${issueKey} ${resolved ? 'resolved' : 'flag cleared'}`,
    events: [{ ...base, type: 'team.unblocked', data: { teamId, note: issueKey } }],
  };
}
