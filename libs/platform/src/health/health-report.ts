export type DependencyChecks = Record<string, () => Promise<boolean>>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'up' | 'down'>;
}

/** Runs every check at once; the service is healthy only when all dependencies answer. */
export async function checkHealth(checks: DependencyChecks): Promise<HealthReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => checks[name]().catch(() => false)));
  const report = Object.fromEntries(names.map((name, i) => [name, results[i] ? 'up' : 'down'] as const));
  return { status: results.every(Boolean) ? 'ok' : 'unavailable', checks: report };
}

/** The checks every service answers /health with: a Kafka broker and PostgreSQL reachable now. */
export const serviceHealth = (
  kafka: { isReachable(): Promise<boolean> },
  database: { query(sql: string): Promise<unknown> },
): Promise<HealthReport> =>
  checkHealth({
    kafka: () => kafka.isReachable(),
    database: async () => {
      await database.query('SELECT 1');
      return true;
    },
  });
