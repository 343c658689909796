import { type EventProblem, type ValidationResult, validateEvents } from '@orgpulse/contracts';
import type { EventPublisher } from './event-publisher';
import { toEventRecord } from './event-record';

/** A transport's own check of what it received (CloudEvents), in place of the native rules of §2. */
export type Validation = (now: Date) => ValidationResult;

export type Acceptance = { ok: true; accepted: number } | { ok: false; problems: EventProblem[] };

/** Kafka did not take the events: none of them was accepted, and the same request may be sent again. */
export class EventLogUnavailableError extends Error {
  override readonly name = 'EventLogUnavailableError';

  constructor(override readonly cause: unknown) {
    super('the event log did not take the events');
  }
}

/**
 * The one way events enter orgpulse: POST /v1/events, the vendors' receivers and `events import` all
 * accept through it. All or nothing: every event valid, then it returns only once Kafka holds every
 * one of them, as the same record (key, headers, ingestedAt) whoever sent it.
 */
export class AcceptEvents {
  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async accept(orgId: string, events: readonly unknown[] | Validation): Promise<Acceptance> {
    const now = this.clock();
    const result = typeof events === 'function' ? events(now) : validateEvents(events, now);
    if (!result.ok) return result;
    try {
      await this.publisher.publish(result.events.map((event) => toEventRecord(orgId, event, now)));
    } catch (error) {
      throw new EventLogUnavailableError(error);
    }
    return { ok: true, accepted: result.events.length };
  }
}
