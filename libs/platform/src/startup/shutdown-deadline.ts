import type { Logger } from 'pino';

/**
 * Graceful shutdown lets in-flight requests and batches finish; this bounds how long that may take,
 * so a stuck dependency cannot keep a stopping process alive forever.
 */
export function enforceShutdownDeadline(timeoutMs: number, logger: Logger): void {
  const arm = (signal: NodeJS.Signals) => {
    logger.info({ signal, timeoutMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
