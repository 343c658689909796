/** An alert as every channel carries it: the Kafka topic, webhooks and the GraphQL subscription. */
export interface AlertView {
  id: string;
  orgId: string;
  rule: string;
  subjectId: string;
  status: 'OPEN' | 'RESOLVED';
  raisedAt: string;
  resolvedAt: string | null;
  figures: Record<string, unknown>;
}

/** The record on orgpulse.alerts.v1 (keyed by alert id) and the body of a JSON webhook delivery. */
export interface AlertChanged {
  type: 'alert.raised' | 'alert.resolved';
  version: 1;
  alert: AlertView;
}
