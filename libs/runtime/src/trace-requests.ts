import type { CallHandler, ExecutionContext, INestApplication, NestInterceptor } from '@nestjs/common';
import { type Context, SpanKind, extractTraceContext, tracer } from '@orgpulse/platform';
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { Observable } from 'rxjs';

interface TracedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: IncomingMessage;
  routeOptions?: { url?: string };
}
interface FastifyHooks {
  addHook(
    name: 'onRequest' | 'onResponse' | 'onRequestAbort',
    hook: (request: TracedRequest, reply: { statusCode: number }, done: () => void) => void,
  ): unknown;
}

const active = new WeakMap<IncomingMessage, Context>();
/** Probes and scrapes: frequent, and nothing to follow. */
const UNTRACED = new Set(['/livez', '/readyz', '/health', '/metrics']);

/**
 * A server span for every request (child of the client's `traceparent`, if it sent one), from arrival
 * to the answer, with its route and status; the controller runs inside it, so what it logs carries the
 * trace id and what it publishes carries the span's context to Kafka. Fastify apps only.
 */
export function traceRequests(app: INestApplication): void {
  const fastify = app.getHttpAdapter().getInstance() as FastifyHooks;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions?.url;
    if (route !== undefined && UNTRACED.has(route)) return done();
    const parent = extractTraceContext(request.headers);
    const span = tracer().startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0],
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    const withSpan = trace.setSpan(parent, span);
    active.set(request.raw, withSpan);
    context.with(withSpan, done);
  });
  const end = (request: TracedRequest, status?: number) => {
    const found = active.get(request.raw);
    if (!found) return;
    const span = trace.getSpan(found);
    active.delete(request.raw);
    if (!span) return;
    if (status !== undefined) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } else span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
    span.end();
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, _reply, done) => {
    end(request);
    done();
  });
  app.useGlobalInterceptors(new ActiveSpanInterceptor());
}

/** Runs the handler inside its request's span (the body was read outside it, on the socket's events). */
class ActiveSpanInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = execution.switchToHttp().getRequest<{ raw?: IncomingMessage }>();
    const spanContext = request.raw ? active.get(request.raw) : undefined;
    if (!spanContext) return next.handle();
    return new Observable((subscriber) =>
      context.with(spanContext, () => next.handle().subscribe(subscriber)),
    );
  }
}
