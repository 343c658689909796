export const Topics = {
  events: 'orgpulse.events.v1',
  eventsDeadLetter: 'orgpulse.events.dlq.v1',
  alerts: 'orgpulse.alerts.v1',
} as const;

/**
 * The header naming a record's org, on the events and the alerts topics: a reader passes over other orgs'
 * records without parsing them.
 */
export const ORG_HEADER = 'orgpulse-org-id';
