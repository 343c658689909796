import type { AlertChanged } from './alert-changed';

/** The media type of a structured-mode CloudEvent: the Kafka record's `content-type` header, the webhook's Content-Type. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/**
 * An alert change as a CloudEvent 1.0 in the JSON format (structured mode), on orgpulse.alerts.v1 and
 * in JSON webhooks. `data` is the change as it was before CloudEvents (type, version, alert), so
 * readers of those fields only move them under `data`.
 */
export interface AlertCloudEvent {
  specversion: '1.0';
  /** One per alert change, the same on every channel and every retry: receivers drop repeats by it. */
  id: string;
  type: 'orgpulse.alert.raised' | 'orgpulse.alert.resolved';
  source: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: AlertChanged;
}

const STATUS_OF = { 'alert.raised': 'raised', 'alert.resolved': 'resolved' } as const;

export function toAlertCloudEvent(change: AlertChanged): AlertCloudEvent {
  const { alert } = change;
  const status = STATUS_OF[change.type];
  return {
    specversion: '1.0',
    id: `${alert.id}:${status}`,
    type: `orgpulse.alert.${status}`,
    source: `/orgs/${encodeURIComponent(alert.orgId)}/alerts`,
    subject: alert.subjectId,
    time: change.type === 'alert.resolved' ? (alert.resolvedAt ?? alert.raisedAt) : alert.raisedAt,
    datacontenttype: 'application/json',
    data: change,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The alert change an orgpulse.alerts.v1 record carries, or undefined for a record that is not one.
 * Records written before CloudEvents (the change itself) are read too, so a rolling upgrade with an
 * older alerter still feeds the subscription.
 */
export function alertChangeOf(record: unknown): AlertChanged | undefined {
  if (!isObject(record)) return undefined;
  const change = record.specversion === undefined ? record : record.data;
  if (record.specversion !== undefined && record.specversion !== '1.0') return undefined;
  if (!isObject(change) || change.version !== 1 || !isObject(change.alert)) return undefined;
  if (typeof change.alert.id !== 'string' || change.alert.id === '') return undefined;
  return change as unknown as AlertChanged;
}
