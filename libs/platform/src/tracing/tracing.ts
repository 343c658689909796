import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  context,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export { SpanKind, type Context, type Span };

const TRACER = 'orgpulse';
const w3c = new W3CTraceContextPropagator();

export interface TracingConfig {
  /** OTLP/HTTP base URL; tracing is off without it */
  OTEL_EXPORTER_OTLP_ENDPOINT: string | null;
  OTEL_SERVICE_NAME: string | null;
}

/**
 * OpenTelemetry tracing of one process. On only when an OTLP endpoint is configured: spans are then
 * batched and exported over OTLP/HTTP (the exporter also reads the standard OTEL_EXPORTER_OTLP_*
 * variables, such as headers). Off, no span is recorded and nothing is sent, and the helpers below cost
 * next to nothing.
 */
export class Tracing {
  private constructor(private readonly provider: NodeTracerProvider | undefined) {}

  static readonly off = new Tracing(undefined);

  static start(service: string, config: TracingConfig): Tracing {
    if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return Tracing.off;
    const provider = new NodeTracerProvider({
      resource: resourceFromAttributes({
        [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? `orgpulse-${service}`,
      }),
      spanProcessors: [
        new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT) })),
      ],
    });
    provider.register({ propagator: w3c });
    return new Tracing(provider);
  }

  get enabled(): boolean {
    return this.provider !== undefined;
  }

  /** Sends the spans still buffered; called last at shutdown. */
  async shutdown(): Promise<void> {
    await this.provider?.shutdown().catch(() => undefined);
  }
}

/** The OTLP/HTTP traces URL of a base endpoint (the variable's meaning in the OpenTelemetry spec). */
export function tracesUrl(endpoint: string): string {
  return process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export const tracer = () => trace.getTracer(TRACER);

type Carrier = Record<string, string | string[] | Buffer | (string | Buffer)[] | undefined>;

const carrierGetter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const found = carrier[key] ?? carrier[key.toLowerCase()];
    if (found === undefined) return undefined;
    const last = Array.isArray(found) ? found[found.length - 1] : found;
    return last === undefined ? undefined : last.toString();
  },
};

/**
 * The W3C trace context (`traceparent`, `tracestate`) carried by HTTP request headers or Kafka record
 * headers; the root context when there is none or it is malformed.
 */
export function extractTraceContext(carrier: Carrier | undefined): Context {
  if (!carrier || !('traceparent' in carrier)) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, carrier, carrierGetter);
}

/** `traceparent` (and `tracestate`) of the given context's span, for a Kafka record or an HTTP request. */
export function traceHeaders(of: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isSpanContextValid(trace.getSpanContext(of) ?? INVALID)) return headers;
  w3c.inject(of, headers, {
    set: (carrier: Record<string, string>, key: string, value: string) => {
      carrier[key] = value;
    },
  });
  return headers;
}

/** The span context a carrier names, if valid (for links). */
export function spanContextOf(carrier: Carrier | undefined): SpanContext | undefined {
  const found = trace.getSpanContext(extractTraceContext(carrier));
  return found && isSpanContextValid(found) ? found : undefined;
}

/** The trace and span ids of the active span, for log lines; empty when no span is active. */
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

/**
 * Runs `work` in a span (child of `parent`, the active context by default) that ends when it settles,
 * with an error status and the exception recorded when it throws.
 */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context; links?: Link[] },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

const INVALID: SpanContext = { traceId: '', spanId: '', traceFlags: 0 };
