/** A dependency named by a variable (DATABASE_URL, KAFKA_BROKERS) could not be reached at boot. */
export class DependencyError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'DependencyError';
  }
}

/** Retries `attempt` until it succeeds or `timeoutMs` passes; then rethrows the last error. */
export async function retryUntil<T>(
  timeoutMs: number,
  attempt: () => Promise<T>,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message || error.name : String(error);

/** Shows a URL without its password, for error lines and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}
