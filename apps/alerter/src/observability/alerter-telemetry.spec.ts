import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { AlertChanged } from '@orgpulse/contracts';
import type { OutboxDelivery } from '@orgpulse/persistence';
import { ServiceMetrics } from '@orgpulse/platform';
import type { DeliverAlertsHandler } from '../deliver-alerts/deliver-alerts.handler';
import { AlerterTelemetry } from './alerter-telemetry';

const traceparent = (trace: string, span: string) => `00-${trace.repeat(32)}-${span.repeat(16)}-01`;
const traceIdOf = (header: string | null | undefined) => header?.split('-')[1];

describe('the alerter’s telemetry around rounds and deliveries', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let metrics: ServiceMetrics;
  let telemetry: AlerterTelemetry;

  beforeAll(() => provider.register());
  beforeEach(() => {
    exporter.reset();
    metrics = new ServiceMetrics('alerter');
    telemetry = new AlerterTelemetry(metrics);
  });
  afterAll(() => provider.shutdown());

  it('gives each traced org of a round an `alerts evaluate` span continuing its projection, and its deliveries that span', async () => {
    const projected = traceparent('a', '1');
    telemetry.noticed('org-a', projected);
    telemetry.noticed('org-b', undefined);

    const round = telemetry.judging(['org-a', 'org-b']);
    const carried = round.traceParentOf('org-a');
    expect(traceIdOf(carried)).toBe('a'.repeat(32));
    expect(carried).not.toBe(projected);
    expect(round.traceParentOf('org-b')).toBeNull();
    round.ended(
      new Map([
        ['org-a', { raised: 2, resolved: 1 }],
        ['org-b', { raised: 1, resolved: 0 }],
      ]),
    );

    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(span.name).toBe('alerts evaluate');
    expect(span.parentSpanContext?.spanId).toBe('1'.repeat(16));
    expect(span.attributes).toMatchObject({ 'orgpulse.alerts.raised': 2, 'orgpulse.alerts.resolved': 1 });
    expect(carried?.split('-')[2]).toBe(span.spanContext().spanId);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^orgpulse_alerter_alert_changes_total\{change="raised"\} 3$/m);
    expect(text).toMatch(
      /^orgpulse_alerter_org_evaluation_duration_seconds_count\{outcome="evaluated"\} 2$/m,
    );

    // the trace is continued once: the org's next round is not part of it
    expect(telemetry.judging(['org-a']).traceParentOf('org-a')).toBeNull();
  });

  it('does not continue a trace noticed long before the org was next judged', () => {
    telemetry.noticed('org-a', traceparent('a', '1'), Date.now() - 120_000);
    expect(telemetry.judging(['org-a']).traceParentOf('org-a')).toBeNull();
  });

  it('sends a Kafka batch once, with a producer span per traced delivery, each record carrying its own', async () => {
    const delivery = (id: string, traceParent: string | null): OutboxDelivery => ({
      id,
      orgId: 'org',
      channel: 'kafka',
      attempts: 0,
      payload: { alert: { id: `alert-${id}` } } as AlertChanged,
      webhook: null,
      traceParent,
    });
    const sent: (readonly OutboxDelivery[])[] = [];
    const handler = {
      deliver: () => Promise.reject(new Error('a Kafka batch is one send')),
      deliverToKafka: (deliveries: readonly OutboxDelivery[]) => {
        sent.push(deliveries);
        return Promise.resolve();
      },
    } as unknown as DeliverAlertsHandler;

    await telemetry
      .delivery(handler)
      .deliverToKafka(
        [delivery('1', traceparent('a', '1')), delivery('2', traceparent('b', '2')), delivery('3', null)],
        'me',
      );

    expect(sent).toHaveLength(1);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
      ['alert deliver kafka', 'a'.repeat(32), '1'.repeat(16)],
      ['alert deliver kafka', 'b'.repeat(32), '2'.repeat(16)],
    ]);
    expect(sent[0].map((d) => d.traceParent?.split('-')[2] ?? null)).toEqual([
      spans[0].spanContext().spanId,
      spans[1].spanContext().spanId,
      null,
    ]);
  });
});
