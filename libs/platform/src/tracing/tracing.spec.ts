import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { Tracing, extractTraceContext, spanContextOf, traceHeaders, tracesUrl } from './tracing';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('tracing', () => {
  it('is off without an OTLP endpoint', () => {
    expect(
      Tracing.start('ingest', { OTEL_EXPORTER_OTLP_ENDPOINT: null, OTEL_SERVICE_NAME: null }).enabled,
    ).toBe(false);
  });

  it('exports to the endpoint’s /v1/traces, as the OpenTelemetry spec reads the variable', () => {
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
  });

  it('reads the W3C traceparent of HTTP and Kafka headers (Buffers, arrays) and writes it back', () => {
    for (const carrier of [
      { traceparent: TRACEPARENT },
      { traceparent: Buffer.from(TRACEPARENT) },
      { traceparent: [Buffer.from(TRACEPARENT)] },
    ]) {
      const context = extractTraceContext(carrier);
      expect(trace.getSpanContext(context)).toMatchObject({
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
      });
      expect(traceHeaders(context)).toEqual({ traceparent: TRACEPARENT });
    }
  });

  it('ignores a missing or malformed traceparent', () => {
    expect(extractTraceContext(undefined)).toBe(ROOT_CONTEXT);
    expect(spanContextOf({ traceparent: 'not-a-traceparent' })).toBeUndefined();
    expect(
      spanContextOf({ traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }),
    ).toBeUndefined();
    expect(traceHeaders(ROOT_CONTEXT)).toEqual({});
  });
});
