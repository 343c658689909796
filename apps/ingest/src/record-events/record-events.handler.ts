import { Inject, Injectable } from '@nestjs/common';
import { AcceptEvents, EventLogUnavailableError, type Validation } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import { IngestError, kafkaUnavailable } from '../errors/ingest-error';
import { LOGGER } from '@orgpulse/runtime';
import { type BinaryModeHeaders, validateBinaryCloudEvent, validateCloudEvents } from './cloud-events';
import { toEventList } from './parse-event-body';

export type EventBodyFormat = 'native' | 'cloudevent' | 'cloudevent-batch' | 'cloudevent-binary';

export interface RecordEventsRequest {
  orgId: string;
  format: EventBodyFormat;
  body: unknown;
  /** The request's headers: a binary-mode CloudEvent's attributes are there. */
  headers: BinaryModeHeaders;
}

/** POST /v1/events: the body read in its format, then accepted all or nothing (AcceptEvents). */
@Injectable()
export class RecordEventsHandler {
  constructor(
    @Inject(AcceptEvents) private readonly acceptEvents: AcceptEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record({ orgId, format, body, headers }: RecordEventsRequest): Promise<number> {
    const acceptance = await this.acceptEvents
      .accept(orgId, this.eventsOf(format, body, headers))
      .catch((error: unknown) => {
        if (!(error instanceof EventLogUnavailableError)) throw error;
        this.logger.warn({ err: describeError(error.cause), orgId }, 'Kafka did not take the events');
        throw kafkaUnavailable('the event log is unavailable; nothing was accepted, retry the same request');
      });
    if (!acceptance.ok)
      throw new IngestError('INVALID_EVENTS', 'invalid events; nothing was accepted', acceptance.problems);
    return acceptance.accepted;
  }

  private eventsOf(
    format: EventBodyFormat,
    body: unknown,
    headers: BinaryModeHeaders,
  ): unknown[] | Validation {
    if (format === 'native') return toEventList(body);
    if (format === 'cloudevent-binary') return (now) => validateBinaryCloudEvent(headers, body, now);
    if (format === 'cloudevent' && Array.isArray(body)) {
      throw new IngestError(
        'INVALID_REQUEST',
        'application/cloudevents+json carries one event; use application/cloudevents-batch+json for an array',
      );
    }
    if (format === 'cloudevent-batch' && !Array.isArray(body)) {
      throw new IngestError(
        'INVALID_REQUEST',
        'application/cloudevents-batch+json must be a JSON array of CloudEvents',
      );
    }
    const events = toEventList(body);
    return (now) => validateCloudEvents(events, now);
  }
}
