import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestPinoLogger, enforceShutdownDeadline } from '@orgpulse/platform';
import { type ServiceComposition, composeService } from './compose-service';
import { serveOperatorEndpoints } from './operator-endpoints';
import { traceRequests } from './trace-requests';

export interface ServiceServer {
  service: string;
  port: number;
  config: { HOST: string; SHUTDOWN_TIMEOUT_MS: number };
  /** The app reads request bodies with parsers of its own (configure), up to this many bytes. */
  ownBodyParsers?: { bodyLimit: number };
  /** a server span per request (the ingest app's: it starts the traces that reach Kafka) */
  traceRequests?: boolean;
  /** Routes and hooks beside Nest's (body parsers, authentication, static pages), before it listens. */
  configure?: (app: NestFastifyApplication) => void;
}

/**
 * The one way an app starts: its root module composed with the shared connections and its parts,
 * on Fastify, with /livez, /readyz and /metrics beside its routes; it listens, and on SIGTERM/SIGINT
 * lets in-flight work finish within the shutdown deadline.
 */
export async function serveService(
  module: DynamicModule,
  composition: ServiceComposition,
  server: ServiceServer,
): Promise<void> {
  const { logger, telemetry } = composition.connections;
  const own = server.ownBodyParsers;
  const app = await NestFactory.create<NestFastifyApplication>(
    composeService(module, composition),
    new FastifyAdapter(own ? { bodyLimit: own.bodyLimit, return503OnClosing: true } : {}),
    { bodyParser: own === undefined, logger: new NestPinoLogger(logger), abortOnError: false },
  );
  server.configure?.(app);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  enforceShutdownDeadline(server.config.SHUTDOWN_TIMEOUT_MS, logger);
  serveOperatorEndpoints(app, telemetry);
  if (server.traceRequests && telemetry.tracing.enabled) traceRequests(app);
  await telemetry.readiness.start();
  await app.listen(server.port, server.config.HOST);
  logger.info({ port: server.port, tracing: telemetry.tracing.enabled }, `${server.service} listening`);
}
