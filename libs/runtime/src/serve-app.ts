import type { INestApplication } from '@nestjs/common';
import { type Logger, enforceShutdownDeadline } from '@orgpulse/platform';

/** Listens, and on SIGTERM/SIGINT lets in-flight work finish within the shutdown deadline. */
export async function serveApp(
  app: INestApplication,
  options: { service: string; port: number; host: string; shutdownTimeoutMs: number; logger: Logger },
): Promise<void> {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  enforceShutdownDeadline(options.shutdownTimeoutMs, options.logger);
  await app.listen(options.port, options.host);
  options.logger.info({ port: options.port }, `${options.service} listening`);
}
