import { AlerterProgress, NO_BACKLOG } from './alerter-progress';

const idle = NO_BACKLOG;

describe('AlerterProgress: when the alerter says degraded', () => {
  let now = 0;
  const progress = () => new AlerterProgress(60_000, () => now);
  beforeEach(() => {
    now = Date.parse('2026-11-21T12:00:00Z');
  });

  it('is calm after a completed round', () => {
    const p = progress();
    p.evaluationSucceeded();
    now += 59_000;
    expect(p.problems(idle)).toEqual([]);
  });

  it('reports evaluation that has not completed for the span, with the last error', () => {
    const p = progress();
    p.evaluationSucceeded();
    now += 10_000;
    p.evaluationFailed('connection terminated');
    now += 60_000;
    expect(p.problems(idle)).toEqual([
      {
        problem: 'no alert evaluation round has completed',
        detail: 'connection terminated',
        since: '2026-11-21T12:00:10.000Z',
      },
    ]);
  });

  it('reports a round that never completed since start', () => {
    const p = progress();
    now += 61_000;
    expect(p.problems(idle)).toHaveLength(1);
  });

  it('reports due deliveries left unattempted for the span, not shorter waits', () => {
    const p = progress();
    p.evaluationSucceeded();
    expect(p.problems({ ...idle, due: 2, oldestDueSeconds: 30 })).toEqual([]);
    expect(p.problems({ ...idle, due: 2, oldestDueSeconds: 61 })[0].problem).toBe(
      '2 alert deliveries due and not attempted',
    );
  });

  it('reports live judgements left waiting for the span, not shorter waits', () => {
    const p = progress();
    p.evaluationSucceeded();
    expect(p.problems({ ...idle, dueJudgements: 40, oldestDueJudgementSeconds: 59 })).toEqual([]);
    expect(p.problems({ ...idle, dueJudgements: 40, oldestDueJudgementSeconds: 60 })[0].problem).toBe(
      '40 alert judgements due and not made',
    );
  });

  it('shows the oldest undelivered delivery per channel on /metrics, retries included', async () => {
    const p = progress();
    const text = await p.metrics({
      ...idle,
      undelivered: [
        { channel: 'kafka', undelivered: 0, oldestSeconds: 0 },
        { channel: 'webhook', undelivered: 3, oldestSeconds: 42.5 },
      ],
    });
    expect(text).toContain('orgpulse_alerter_oldest_undelivered_seconds{channel="webhook"} 42.5');
    expect(text).toContain('orgpulse_alerter_undelivered_deliveries{channel="webhook"} 3');
    expect(text).toContain('orgpulse_alerter_oldest_undelivered_seconds{channel="kafka"} 0');
  });

  it('shows the bulk work behind live work on /metrics: its oldest judgement due and orgs still being swept', async () => {
    const text = await progress().metrics({ ...idle, oldestBulkJudgementSeconds: 12.5, sweepingOrgs: 2 });
    expect(text).toContain('orgpulse_alerter_oldest_bulk_judgement_seconds 12.5');
    expect(text).toContain('orgpulse_alerter_sweeping_orgs 2');
  });
});
