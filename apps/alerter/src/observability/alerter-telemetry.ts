import { ROOT_CONTEXT, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { type OutboxDelivery } from '@orgpulse/persistence';
import {
  DURATION_BUCKETS,
  type ServiceMetrics,
  SpanKind,
  extractTraceContext,
  inSpan,
  traceHeaders,
  tracer,
} from '@orgpulse/platform';
import { Counter, Histogram } from 'prom-client';
import type { DeliverAlertsHandler } from '../deliver-alerts/deliver-alerts.handler';
import type { JudgingRound, OrgChanges, RoundObserver } from '../evaluate-alerts/evaluate-alerts.handler';

// Orgs whose next judgement continues a trace: bounded, one entry per org at most.
const MAX_PENDING_TRACES = 10_000;
// A notice whose org had nothing to judge (a change no rule reads) leaves its trace behind: it is not
// continued by a judgement this much later (a live change is judged within seconds).
const PENDING_TRACE_TTL_MS = 60_000;

/** What woke the rounds: a projector's change notice, a threshold falling due, or the interval clock. */
export type RoundKind = 'changed' | 'due' | 'clock';

/**
 * The alerter's figures (rounds, per-org judgements, alert changes, deliveries) and its spans: an org's
 * judgement in a round after a traced projection continues that trace, and each delivery continues the
 * trace of the judgement that enqueued it. Hooked around the handlers (and told of each round's orgs),
 * not inside them.
 */
export class AlerterTelemetry implements RoundObserver {
  private readonly pendingTraces = new Map<string, { traceparent: string; at: number }>();
  private readonly rounds: Counter;
  private readonly roundDuration: Histogram;
  private readonly orgDuration: Histogram;
  private readonly changes: Counter;
  private readonly deliveries: Counter;
  private readonly deliveryDuration: Histogram;

  constructor(metrics: ServiceMetrics) {
    const registers = [metrics.registry];
    this.rounds = new Counter({
      name: 'orgpulse_alerter_evaluation_rounds_total',
      help: 'Evaluation rounds (one transaction judging what changed or fell due), by kind (what woke them: changed, due, clock) and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.roundDuration = new Histogram({
      name: 'orgpulse_alerter_evaluation_round_duration_seconds',
      help: 'Time of one evaluation round, by kind',
      labelNames: ['kind'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.orgDuration = new Histogram({
      name: 'orgpulse_alerter_org_evaluation_duration_seconds',
      help: "Time from a round's claim to its commit, once per org it judged, by outcome (evaluated; failed: rolled back)",
      labelNames: ['outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.changes = new Counter({
      name: 'orgpulse_alerter_alert_changes_total',
      help: 'Alerts raised or resolved by this instance',
      labelNames: ['change'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'orgpulse_alerter_deliveries_total',
      help: 'Delivery attempts, by channel (kafka, webhook) and outcome (delivered, failed: retried later)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: 'orgpulse_alerter_delivery_duration_seconds',
      help: 'Time of one delivery attempt (the send and its record; a Kafka send of several counts for each), by channel and outcome',
      labelNames: ['channel', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  /** The projector changed the org's read models, in a traced transaction if `traceparent` is given. */
  noticed(orgId: string, traceparent: string | undefined, now = Date.now()): void {
    if (!traceparent) return;
    if (!this.pendingTraces.has(orgId) && this.pendingTraces.size >= MAX_PENDING_TRACES) {
      for (const [org, pending] of this.pendingTraces)
        if (now - pending.at > PENDING_TRACE_TTL_MS) this.pendingTraces.delete(org);
      if (this.pendingTraces.size >= MAX_PENDING_TRACES) return;
    }
    this.pendingTraces.set(orgId, { traceparent, at: now });
  }

  round(kind: RoundKind, ok: boolean, seconds: number): void {
    this.rounds.inc({ kind, outcome: ok ? 'ok' : 'failed' });
    this.roundDuration.observe({ kind }, seconds);
  }

  delivered(channel: string, ok: boolean, seconds: number): void {
    const labels = { channel, outcome: ok ? 'delivered' : 'failed' };
    this.deliveries.inc(labels);
    this.deliveryDuration.observe(labels, seconds);
  }

  /**
   * A round's orgs, once claimed: each org noticed in a traced projection gets an `alerts evaluate` span
   * (child of the projection's) until the round ends, and its deliveries carry that span's context.
   */
  judging(orgIds: readonly string[], now = Date.now()): JudgingRound {
    const started = process.hrtime.bigint();
    const spans = new Map<string, { span: Span; traceparent: string | null }>();
    for (const orgId of orgIds) {
      const pending = this.pendingTraces.get(orgId);
      if (!pending) continue;
      this.pendingTraces.delete(orgId);
      if (now - pending.at > PENDING_TRACE_TTL_MS) continue;
      const span = tracer().startSpan(
        'alerts evaluate',
        { attributes: { 'orgpulse.org_id': orgId, 'orgpulse.round.orgs': orgIds.length } },
        extractTraceContext({ traceparent: pending.traceparent }),
      );
      const traceparent = traceHeaders(trace.setSpan(ROOT_CONTEXT, span)).traceparent ?? null;
      spans.set(orgId, { span, traceparent });
    }
    return {
      traceParentOf: (orgId) => spans.get(orgId)?.traceparent ?? null,
      ended: (changes) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const outcome = changes ? 'evaluated' : 'failed';
        orgIds.forEach(() => this.orgDuration.observe({ outcome }, seconds));
        let [raised, resolved] = [0, 0];
        for (const c of changes?.values() ?? [])
          [raised, resolved] = [raised + c.raised, resolved + c.resolved];
        if (raised > 0) this.changes.inc({ change: 'raised' }, raised);
        if (resolved > 0) this.changes.inc({ change: 'resolved' }, resolved);
        for (const [orgId, { span }] of spans) {
          const org: OrgChanges | undefined = changes?.get(orgId);
          if (org)
            span.setAttributes({
              'orgpulse.alerts.raised': org.raised,
              'orgpulse.alerts.resolved': org.resolved,
            });
          else span.setStatus({ code: SpanStatusCode.ERROR, message: 'the round was rolled back' });
          span.end();
        }
      },
    };
  }

  /**
   * The handler, with each delivery in a span continuing the trace of the judgement that enqueued it: a
   * webhook request in a span of its own; a Kafka send of several deliveries (one request) in one span
   * per traced delivery, each record carrying its own span's context.
   */
  delivery(handler: DeliverAlertsHandler): DeliverAlertsHandler {
    const webhooks = intercept<DeliverAlertsHandler, 'deliver', [OutboxDelivery, string, AbortSignal?], void>(
      handler,
      'deliver',
      (deliver, delivery, claimant, stop) =>
        delivery.traceParent
          ? inSpan(
              `alert deliver ${delivery.channel}`,
              {
                kind: delivery.channel === 'kafka' ? SpanKind.PRODUCER : SpanKind.CLIENT,
                parent: extractTraceContext({ traceparent: delivery.traceParent }),
                attributes: deliveryAttributes(delivery),
              },
              () => deliver(delivery, claimant, stop),
            )
          : deliver(delivery, claimant, stop),
    );
    return intercept<DeliverAlertsHandler, 'deliverToKafka', [readonly OutboxDelivery[], string], void>(
      webhooks,
      'deliverToKafka',
      async (deliverToKafka, deliveries, claimant) => {
        const spans: Span[] = [];
        const traced = deliveries.map((delivery) => {
          if (!delivery.traceParent) return delivery;
          const span = tracer().startSpan(
            'alert deliver kafka',
            {
              kind: SpanKind.PRODUCER,
              attributes: {
                ...deliveryAttributes(delivery),
                'messaging.batch.message_count': deliveries.length,
              },
            },
            extractTraceContext({ traceparent: delivery.traceParent }),
          );
          spans.push(span);
          const traceParent = traceHeaders(trace.setSpan(ROOT_CONTEXT, span)).traceparent ?? null;
          return { ...delivery, traceParent };
        });
        try {
          await deliverToKafka(traced, claimant);
        } finally {
          for (const span of spans) span.end();
        }
      },
    );
  }
}

const deliveryAttributes = (delivery: OutboxDelivery) => ({
  'orgpulse.org_id': delivery.orgId,
  'orgpulse.alert.id': delivery.payload.alert.id,
  'orgpulse.delivery.channel': delivery.channel,
  'orgpulse.delivery.attempt': delivery.attempts + 1,
});

/** The same object with one method replaced by `around(original, ...args)`. */
function intercept<T extends object, K extends keyof T & string, A extends unknown[], R>(
  target: T,
  method: K,
  around: (original: (...args: A) => Promise<R>, ...args: A) => Promise<R>,
): T {
  const original = (target[method] as (...args: A) => Promise<R>).bind(target);
  return new Proxy(target, {
    get: (object, property, receiver) =>
      property === method
        ? (...args: A) => around(original, ...args)
        : (Reflect.get(object, property, receiver) as unknown),
  });
}
