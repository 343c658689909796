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
