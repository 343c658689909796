export const Topics = {
  events: 'orgpulse.events.v1',
  eventsDeadLetter: 'orgpulse.events.dlq.v1',
  alerts: 'orgpulse.alerts.v1',
} as const;
