import {
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { Topics } from '@orgpulse/contracts';
import { spanContextOf, traceHeaders, tracer } from '@orgpulse/platform';
import type { KafkaMessage } from 'kafkajs';
import type { BatchItem } from './batch-items';
import type { PartitionBatch } from './project-batch.handler';

/** Traces continued by one transaction at most; the others' records are projected all the same. */
export const MAX_TRACES_PER_TRANSACTION = 64;

/** The trace context each record's producer sent (W3C `traceparent` header), with the record's org. */
export interface TracedRecord {
  orgId: string;
  context: SpanContext;
}

export function tracedRecords(
  messages: readonly KafkaMessage[],
  items: readonly BatchItem[],
): TracedRecord[] {
  const orgOf = new Map(
    items.flatMap((i) => ('record' in i ? [[i.offset, i.record.event.orgId] as const] : [])),
  );
  const traced: TracedRecord[] = [];
  for (const message of messages) {
    const orgId = orgOf.get(message.offset);
    const context = orgId === undefined ? undefined : spanContextOf(message.headers);
    if (orgId !== undefined && context) traced.push({ orgId, context });
  }
  return traced;
}

/**
 * Projects a transaction inside one consumer span per trace its records carry (child of the producer's
 * span, so the ingest request's trace goes on here), each ended with the transaction's outcome. Each
 * org's NOTIFY carries the traceparent of the span of one of its records, for the alerter to go on with.
 */
export async function projectTraced<O>(
  batches: readonly PartitionBatch[],
  tracedOf: (batch: PartitionBatch) => readonly TracedRecord[],
  project: (batches: PartitionBatch[]) => Promise<O>,
): Promise<O> {
  const spans = new Map<string, Span>();
  const perOrg = new Map<string, string>();
  const records = batches.reduce((n, b) => n + b.records.length, 0);
  for (const { orgId, context } of batches.flatMap(tracedOf)) {
    const key = `${context.traceId}-${context.spanId}`;
    let span = spans.get(key);
    if (!span && spans.size < MAX_TRACES_PER_TRANSACTION) {
      span = tracer().startSpan(
        `${Topics.events} process`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': Topics.events,
            'messaging.operation.type': 'process',
            'messaging.batch.message_count': records,
            'orgpulse.partitions': batches.map((b) => b.at.partition).join(','),
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, context),
      );
      spans.set(key, span);
    }
    if (span && !perOrg.has(orgId))
      perOrg.set(orgId, traceHeaders(trace.setSpan(ROOT_CONTEXT, span)).traceparent);
  }
  if (spans.size === 0) return project([...batches]);
  try {
    return await project(batches.map((b) => ({ ...b, traces: perOrg })));
  } catch (error) {
    for (const span of spans.values())
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
    throw error;
  } finally {
    for (const span of spans.values()) span.end();
  }
}
