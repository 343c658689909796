export type DependencyChecks = Record<string, () => Promise<boolean>>;

/** Work that is stuck although every dependency answers: what, and since when (ISO time). */
export interface HealthProblem {
  problem: string;
  since: string;
  /** the underlying error: shown only where internals may be (not with NODE_ENV=production) */
  detail?: string;
}

/**
 * The one health shape every service answers /health with. `ok` is 200; `degraded` (work stuck) and
 * `unavailable` (a dependency down) are 503.
 */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'unavailable';
  checks: Record<string, 'up' | 'down'>;
  problems: HealthProblem[];
}

/** /health needs no token: with NODE_ENV=production it says what is stuck, not the errors behind it. */
export const withoutDetails = (problems: readonly HealthProblem[]): HealthProblem[] =>
  problems.map(({ problem, since }) => ({ problem, since }));

export const healthHttpStatus = (report: HealthReport): number => (report.status === 'ok' ? 200 : 503);

/** The report of checks already made (e.g. the readiness monitor's latest), with what is stuck. */
export function healthReportOf(
  checks: Record<string, 'up' | 'down'>,
  problems: readonly HealthProblem[] = [],
): HealthReport {
  const down = Object.values(checks).some((c) => c === 'down');
  return {
    status: down ? 'unavailable' : problems.length > 0 ? 'degraded' : 'ok',
    checks,
    problems: [...problems],
  };
}

/** Runs every check at once; the service is healthy only when all dependencies answer and nothing is stuck. */
export async function checkHealth(
  checks: DependencyChecks,
  problems: readonly HealthProblem[] = [],
): Promise<HealthReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => checks[name]().catch(() => false)));
  const report = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down'] as const));
  const status = !results.every(Boolean) ? 'unavailable' : problems.length > 0 ? 'degraded' : 'ok';
  return { status, checks: report, problems: [...problems] };
}

/** The checks every service answers /health with: a Kafka broker and PostgreSQL reachable now. */
export const serviceHealth = (
  kafka: { isReachable(): Promise<boolean> },
  database: { query(sql: string): Promise<unknown> },
  problems: readonly HealthProblem[] = [],
): Promise<HealthReport> =>
  checkHealth(
    {
      kafka: () => kafka.isReachable(),
      database: async () => {
        await database.query('SELECT 1');
        return true;
      },
    },
    problems,
  );
