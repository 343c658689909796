import { alerterBacklogOf } from './alerter-settled';

const exposition = (gauges: Record<string, number>) =>
  [
    '# HELP orgpulse_alerter_sweeping_orgs Orgs whose sweep after a rebuild is still marking rules and subjects',
    '# TYPE orgpulse_alerter_sweeping_orgs gauge',
    `orgpulse_alerter_sweeping_orgs ${gauges.sweeping ?? 0}`,
    `orgpulse_alerter_oldest_bulk_judgement_seconds ${gauges.bulk ?? 0}`,
    `orgpulse_alerter_due_judgements ${gauges.due ?? 0}`,
    `orgpulse_alerter_due_deliveries ${gauges.deliveries ?? 0}`,
    `orgpulse_alerter_undelivered_deliveries{channel="kafka"} ${gauges.kafka ?? 0}`,
    `orgpulse_alerter_undelivered_deliveries{channel="webhook"} ${gauges.webhook ?? 0}`,
    `orgpulse_alerter_evaluation_rounds_total{kind="clock",outcome="ok"} ${gauges.rounds ?? 0}`,
    `orgpulse_alerter_evaluation_rounds_total{kind="changed",outcome="ok"} 1`,
    `orgpulse_alerter_evaluation_rounds_total{kind="clock",outcome="failed"} 9`,
    `orgpulse_alerter_alert_changes_total{change="raised"} ${gauges.raised ?? 0}`,
    `orgpulse_alerter_alert_changes_total{change="resolved"} 7`,
  ].join('\n');

describe("the alerter's backlog read from its /metrics", () => {
  it.each([
    ['nothing left', {}, 0],
    ['an org still being swept', { sweeping: 1 }, 1],
    ['a bulk judgement due for 12 s', { bulk: 12 }, 12],
    ['live judgements due', { due: 3 }, 3],
    ['deliveries due and undelivered on any channel', { deliveries: 2, kafka: 5, webhook: 1 }, 8],
  ])('%s', (_, gauges, waiting) => {
    expect(alerterBacklogOf(exposition({ ...gauges, rounds: 4, raised: 213_661 }))).toEqual({
      rounds: 5,
      waiting,
      alertsRaised: 213_661,
    });
  });

  it('a gauge with no sample yet (before the first backlog reading, or an older build) is not "nothing left"', () => {
    expect(alerterBacklogOf('orgpulse_alerter_due_judgements 0\n').waiting).toBeNaN();
  });

  it('counts the rounds completed, not those that failed', () => {
    expect(alerterBacklogOf(exposition({ rounds: 0 })).rounds).toBe(1);
  });
});
