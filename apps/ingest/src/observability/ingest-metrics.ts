import type { EventPublisher, PublishMeter } from '@orgpulse/messaging';
import { DURATION_BUCKETS, type ServiceMetrics } from '@orgpulse/platform';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Ingest's own figures beside the HTTP ones: what reached Kafka, how long it took, what waits for it. */
export function ingestPublishMeter(metrics: ServiceMetrics): PublishMeter {
  const registers = [metrics.registry];
  const events = new Counter({
    name: 'orgpulse_ingest_events_total',
    help: 'Events of publishes to Kafka, by outcome (published: acknowledged by every in-sync replica)',
    labelNames: ['outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'orgpulse_ingest_publish_duration_seconds',
    help: 'Time from a request handed to Kafka to its answer (waiting for a free producer included), by outcome',
    labelNames: ['outcome'],
    buckets: DURATION_BUCKETS,
    registers,
  });
  return {
    settled: (outcome, records, seconds) => {
      events.inc({ outcome }, records);
      duration.observe({ outcome }, seconds);
    },
  };
}

export function watchPublishBacklog(metrics: ServiceMetrics, publisher: EventPublisher): void {
  new Gauge({
    name: 'orgpulse_ingest_publish_backlog_bytes',
    help: 'Record bytes admitted and not yet answered by Kafka (INGEST_MAX_PENDING_BYTES caps it)',
    registers: [metrics.registry],
    collect() {
      this.set(publisher.backlog.bytes);
    },
  });
  new Gauge({
    name: 'orgpulse_ingest_publish_backlog_requests',
    help: 'Requests admitted and not yet answered by Kafka (INGEST_MAX_PENDING_REQUESTS caps it)',
    registers: [metrics.registry],
    collect() {
      this.set(publisher.backlog.requests);
    },
  });
}
