import type { INestApplication } from '@nestjs/common';
import { type ServiceMetrics, UNMATCHED_ROUTE } from '@orgpulse/platform';
import type { ServiceTelemetry } from './service-telemetry';

/** The answer of an operator endpoint: status, content type, body. */
interface Answer {
  status: number;
  type: string;
  body: string;
}

interface FastifyLike {
  addHook(
    name: 'onResponse',
    hook: (
      request: { method: string; routeOptions?: { url?: string } },
      reply: { statusCode: number; elapsedTime: number },
      done: () => void,
    ) => void,
  ): unknown;
  get(path: string, handler: (request: unknown, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(body: string): unknown;
}
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `GET /livez` (the process answers), `GET /readyz` (it can do its work now, from the readiness
 * monitor's memory) and `GET /metrics` (Prometheus text), on the HTTP server itself, ahead of Nest's
 * routing, and every request's duration by route template and status.
 */
export function serveOperatorEndpoints(app: INestApplication, telemetry: ServiceTelemetry): void {
  const adapter = app.getHttpAdapter();
  const endpoints: Record<string, () => Promise<Answer>> = {
    '/livez': () =>
      Promise.resolve({ status: 200, type: JSON_TYPE, body: JSON.stringify({ status: 'alive' }) }),
    '/readyz': () => {
      const report = telemetry.readiness.report();
      return Promise.resolve({
        status: report.status === 'ready' ? 200 : 503,
        type: JSON_TYPE,
        body: JSON.stringify(report),
      });
    },
    '/metrics': async () => ({
      status: 200,
      type: telemetry.metrics.contentType,
      body: await telemetry.metrics.scrape(),
    }),
  };
  // every app runs on Fastify (one HTTP platform): anything else is a wiring mistake, refused at boot
  if (adapter.getType() !== 'fastify')
    throw new Error(`operator endpoints need the Fastify adapter, not ${adapter.getType()}`);
  serveOnFastify(adapter.getInstance() as FastifyLike, telemetry.metrics, endpoints);
}

function serveOnFastify(
  fastify: FastifyLike,
  metrics: ServiceMetrics,
  endpoints: Record<string, () => Promise<Answer>>,
): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeHttp(
      request.method,
      request.routeOptions?.url ?? UNMATCHED_ROUTE,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  for (const [path, answer] of Object.entries(endpoints))
    fastify.get(path, async (_request, reply) => {
      const { status, type, body } = await answer();
      return reply.code(status).header('Content-Type', type).send(body);
    });
}
