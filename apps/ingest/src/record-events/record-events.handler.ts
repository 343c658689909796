import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type ValidationResult, validateEvents } from '@orgpulse/contracts';
import { EventPublisher, toEventRecord } from '@orgpulse/messaging';
import { type Logger, describeError } from '@orgpulse/platform';
import { IngestError, kafkaUnavailable } from '../errors/ingest-error';
import { LOGGER } from '../ingest.tokens';
import { validateBinaryCloudEvent, validateCloudEvents } from './cloud-events';
import { toEventList } from './parse-event-body';
import { RecordEventsCommand } from './record-events.command';

/** Validates a request's events all or nothing, then answers only once Kafka holds every one of them. */
@CommandHandler(RecordEventsCommand)
export class RecordEventsHandler implements ICommandHandler<RecordEventsCommand, number> {
  constructor(
    private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ orgId, format, body, headers }: RecordEventsCommand): Promise<number> {
    const result =
      format === 'cloudevent-binary'
        ? validateBinaryCloudEvent(headers, body, new Date())
        : this.validate(format, body, new Date());
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
      throw kafkaUnavailable('the event log is unavailable; nothing was accepted, retry the same request');
    }
    return result.events.length;
  }

  private validate(
    format: Exclude<RecordEventsCommand['format'], 'cloudevent-binary'>,
    body: unknown,
    now: Date,
  ): ValidationResult {
    if (format === 'native') return validateEvents(toEventList(body), now);
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
    return validateCloudEvents(toEventList(body), now);
  }
}
