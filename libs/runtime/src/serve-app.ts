import type { INestApplication } from '@nestjs/common';
import { type Logger, enforceShutdownDeadline } from '@orgpulse/platform';
import { serveOperatorEndpoints } from './operator-endpoints';
import type { ServiceTelemetry } from './service-telemetry';
import { traceRequests } from './trace-requests';

/**
 * Serves /livez, /readyz and /metrics beside the app's routes, listens, and on SIGTERM/SIGINT lets
 * in-flight work finish within the shutdown deadline.
 */
export async function serveApp(
  app: INestApplication,
  options: {
    service: string;
    port: number;
    host: string;
    shutdownTimeoutMs: number;
    logger: Logger;
    telemetry: ServiceTelemetry;
    /** a server span per request (the ingest app's: it starts the traces that reach Kafka) */
    traceRequests?: boolean;
  },
): Promise<void> {
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  enforceShutdownDeadline(options.shutdownTimeoutMs, options.logger);
  serveOperatorEndpoints(app, options.telemetry);
  if (options.traceRequests && options.telemetry.tracing.enabled) traceRequests(app);
  await options.telemetry.readiness.start();
  await app.listen(options.port, options.host);
  options.logger.info(
    { port: options.port, tracing: options.telemetry.tracing.enabled },
    `${options.service} listening`,
  );
}
