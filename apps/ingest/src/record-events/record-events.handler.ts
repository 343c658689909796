import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type EventProblem, validateEvents } from '@orgpulse/contracts';
import { EventPublisher, toEventRecord } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import { IngestError } from '../errors/ingest-error';
import { LOGGER } from '../ingest.tokens';
import { fromCloudEvent } from './cloud-events';
import { toEventList } from './parse-event-body';
import { RecordEventsCommand } from './record-events.command';

export const KAFKA_RETRY_AFTER_SECONDS = 5;

/** Validates a request's events all or nothing, then answers only once Kafka holds every one of them. */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, number> {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ orgId, format, body }: RecordEventsCommand): Promise<number> {
    const inputs = this.envelopes(format, body);
    const result = validateEvents(inputs, new Date());
    if (!result.ok)
      throw new IngestError('INVALID_EVENTS', 'invalid events; nothing was accepted', result.problems);

    const ingestedAt = new Date();
    try {
      await this.publisher.publish(result.events.map((event) => toEventRecord(orgId, event, ingestedAt)));
    } catch (error) {
      this.logger.warn(
        { err: describeError(error), orgId, events: result.events.length },
        'Kafka did not take the events',
      );
      throw new IngestError(
        'KAFKA_UNAVAILABLE',
        'the event log is unavailable; nothing was accepted, retry the same request',
        [],
        KAFKA_RETRY_AFTER_SECONDS,
      );
    }
    return result.events.length;
  }

  private envelopes(format: RecordEventsCommand['format'], body: unknown): unknown[] {
    if (format === 'native') return toEventList(body);
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
    const mapped = toEventList(body).map(fromCloudEvent);
    const problems: EventProblem[] = mapped.flatMap((m) => m.problems);
    if (problems.length > 0)
      throw new IngestError('INVALID_EVENTS', 'invalid CloudEvents; nothing was accepted', problems);
    return mapped.map((m) => m.envelope);
  }
}
