/** What the alerter's /metrics says is left of its work: the gauges that count or age work waiting. */
export interface AlerterBacklog {
  /** evaluation rounds completed (not failed) since it started */
  rounds: number;
  /** those gauges summed: 0 when nothing is left; NaN while one has no sample yet */
  waiting: number;
  alertsRaised: number;
}

const WAITING = [
  'orgpulse_alerter_sweeping_orgs',
  'orgpulse_alerter_oldest_bulk_judgement_seconds',
  'orgpulse_alerter_due_judgements',
  'orgpulse_alerter_due_deliveries',
  'orgpulse_alerter_undelivered_deliveries',
];

/** Sums of the named metrics' samples (every label set) in a Prometheus text exposition. */
export function alerterBacklogOf(exposition: string): AlerterBacklog {
  const sums = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match) continue;
    const [, name, labels = '', value] = match;
    const key =
      name === 'orgpulse_alerter_alert_changes_total'
        ? `${name}${labels}`
        : name === 'orgpulse_alerter_evaluation_rounds_total'
          ? `${name}:${labels.includes('outcome="ok"') ? 'ok' : 'failed'}`
          : name;
    sums.set(key, (sums.get(key) ?? 0) + Number(value));
  }
  // a gauge with no sample yet (labelled ones before the first backlog reading, an older build): not settled
  const waiting = WAITING.reduce((sum, name) => sum + (sums.get(name) ?? Number.NaN), 0);
  return {
    rounds: sums.get('orgpulse_alerter_evaluation_rounds_total:ok') ?? 0,
    waiting,
    alertsRaised: sums.get('orgpulse_alerter_alert_changes_total{change="raised"}') ?? 0,
  };
}

/** How long E6 waits for the alerter's sweep before it loads the page regardless (and says so). */
export const ALERTER_SETTLE_LIMIT_S = 600;

export interface AlerterSettled {
  /** from the call until the first of the quiet readings (nothing left), or until the limit */
  ms: number;
  settled: boolean;
  alertsRaised: number;
  /** why it was not waited for to the end: its /metrics did not answer (the alerter died, say) */
  error?: string;
}

/**
 * Waits until the alerter has judged everything due, its sweep after a rebuild included, and delivered
 * what it raised: a round completed, then every waiting gauge at 0 in `quiet` readings in a row. The
 * alerter reads its backlog every 2 s and shows 0 when a reading fails, so the quiet readings span three
 * of its readings.
 */
export async function alerterSettled(
  metricsUrl: string,
  limitMs: number,
  { intervalMs = 1_000, quiet = 8 } = {},
): Promise<AlerterSettled> {
  const started = performance.now();
  let zeros = 0;
  let quietSince = started;
  let last: AlerterBacklog = { rounds: 0, waiting: Number.NaN, alertsRaised: 0 };
  while (performance.now() - started < limitMs) {
    const readAt = performance.now();
    try {
      const response = await fetch(metricsUrl);
      if (!response.ok) throw new Error(`its /metrics answered ${response.status}`);
      last = alerterBacklogOf(await response.text());
    } catch (error) {
      // only the API's death ends E6: the page is measured all the same, and the report says why
      const why =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      return { ms: performance.now() - started, settled: false, alertsRaised: last.alertsRaised, error: why };
    }
    zeros = last.rounds > 0 && last.waiting === 0 ? zeros + 1 : 0;
    if (zeros === 1) quietSince = readAt;
    if (zeros >= quiet) return { ms: quietSince - started, settled: true, alertsRaised: last.alertsRaised };
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return { ms: performance.now() - started, settled: false, alertsRaised: last.alertsRaised };
}
