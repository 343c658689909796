import { type OutboxDelivery } from '@orgpulse/persistence';
import {
  DURATION_BUCKETS,
  type ServiceMetrics,
  SpanKind,
  extractTraceContext,
  inSpan,
} from '@orgpulse/platform';
import { Counter, Histogram } from 'prom-client';
import type { DeliverAlertsHandler } from '../deliver-alerts/deliver-alerts.handler';
import type { EvaluateAlertsHandler, EvaluationOutcome } from '../evaluate-alerts/evaluate-alerts.handler';

// Orgs whose next evaluation continues a trace: bounded, one entry per org at most.
const MAX_PENDING_TRACES = 10_000;

/**
 * The alerter's figures (rounds, per-org evaluations, alert changes, deliveries) and its spans: an org's
 * evaluation after a traced projection continues that trace, and each delivery continues the trace of
 * the evaluation that enqueued it. Hooked around the handlers, not inside them.
 */
export class AlerterTelemetry {
  private readonly pendingTraces = new Map<string, string>();
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
      help: 'Evaluation rounds, by kind (all: every org on the clock; changed: orgs the projector changed) and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.roundDuration = new Histogram({
      name: 'orgpulse_alerter_evaluation_round_duration_seconds',
      help: 'Time of one evaluation round over its orgs, by kind',
      labelNames: ['kind'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.orgDuration = new Histogram({
      name: 'orgpulse_alerter_org_evaluation_duration_seconds',
      help: "Time to evaluate one org's rules and write its changes, by outcome (skipped: another instance held it)",
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
      help: 'Time of one delivery attempt (the send and its record), by channel and outcome',
      labelNames: ['channel', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  /** The projector changed the org's read models, in a traced transaction if `traceparent` is given. */
  noticed(orgId: string, traceparent: string | undefined): void {
    if (!traceparent) return;
    if (!this.pendingTraces.has(orgId) && this.pendingTraces.size >= MAX_PENDING_TRACES) return;
    this.pendingTraces.set(orgId, traceparent);
  }

  round(kind: 'all' | 'changed', ok: boolean, seconds: number): void {
    this.rounds.inc({ kind, outcome: ok ? 'ok' : 'failed' });
    this.roundDuration.observe({ kind }, seconds);
  }

  delivered(channel: string, ok: boolean, seconds: number): void {
    const labels = { channel, outcome: ok ? 'delivered' : 'failed' };
    this.deliveries.inc(labels);
    this.deliveryDuration.observe(labels, seconds);
  }

  /** The handler, with each org's evaluation timed, counted, and traced when it follows a traced change. */
  evaluation(handler: EvaluateAlertsHandler): EvaluateAlertsHandler {
    return intercept<EvaluateAlertsHandler, 'evaluate', [string], EvaluationOutcome | undefined>(
      handler,
      'evaluate',
      async (evaluate, orgId) => {
        const traceparent = this.pendingTraces.get(orgId);
        this.pendingTraces.delete(orgId);
        const started = process.hrtime.bigint();
        const run = () => evaluate(orgId);
        const outcome = traceparent
          ? await inSpan(
              'alerts evaluate',
              { parent: extractTraceContext({ traceparent }), attributes: { 'orgpulse.org_id': orgId } },
              async (span) => {
                const result = await run();
                span.setAttributes({
                  'orgpulse.alerts.raised': result?.raised ?? 0,
                  'orgpulse.alerts.resolved': result?.resolved ?? 0,
                });
                return result;
              },
            )
          : await run();
        this.orgDuration.observe(
          { outcome: outcome ? 'evaluated' : 'skipped' },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
        if (outcome) {
          this.changes.inc({ change: 'raised' }, outcome.raised);
          this.changes.inc({ change: 'resolved' }, outcome.resolved);
        }
        return outcome;
      },
    );
  }

  /** The handler, with each delivery in a span continuing the trace of the evaluation that enqueued it. */
  delivery(handler: DeliverAlertsHandler): DeliverAlertsHandler {
    return intercept<DeliverAlertsHandler, 'deliver', [OutboxDelivery, string, AbortSignal?], void>(
      handler,
      'deliver',
      (deliver, delivery, claimant, stop) =>
        delivery.traceParent
          ? inSpan(
              `alert deliver ${delivery.channel}`,
              {
                kind: delivery.channel === 'kafka' ? SpanKind.PRODUCER : SpanKind.CLIENT,
                parent: extractTraceContext({ traceparent: delivery.traceParent }),
                attributes: {
                  'orgpulse.org_id': delivery.orgId,
                  'orgpulse.alert.id': delivery.payload.alert.id,
                  'orgpulse.delivery.channel': delivery.channel,
                  'orgpulse.delivery.attempt': delivery.attempts + 1,
                },
              },
              () => deliver(delivery, claimant, stop),
            )
          : deliver(delivery, claimant, stop),
    );
  }
}

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
